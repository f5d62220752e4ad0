import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, logPromptsFromEnv } from "./create-logger.js";

function capture(logPrompts = false) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ service: "test", level: "debug", destination, logPrompts });
  return { logger, text: () => lines.join("") };
}

const BEARER = "sy_live_5f1bdeadbeefcafe0011";
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PROVIDER_KEY = "sk-planted-provider-key-0123456789abcdef";
const PROMPT = "the-purple-giraffe-eats-marmalade-at-dawn";

describe("createLogger redaction", () => {
  it("redacts credentials at any depth, by field name and by shape", () => {
    const { logger, text } = capture();
    logger.info(
      {
        headers: { authorization: `Bearer ${BEARER}`, "x-api-key": BEARER, accept: "application/json" },
        deep: { a: { b: { c: { apiKey: PROVIDER_KEY, signing_secret: WHSEC } } } },
        note: `retrying with key ${PROVIDER_KEY} and secret ${WHSEC}`,
        list: [{ password: "hunter2-hunter2" }],
      },
      `request with Bearer ${BEARER}`,
    );
    const out = text();
    for (const planted of [BEARER, WHSEC, PROVIDER_KEY, "hunter2-hunter2"]) expect(out).not.toContain(planted);
    const line = JSON.parse(out);
    expect(line.headers.accept).toBe("application/json");
    expect(line.headers.authorization).toBe("[redacted]");
    expect(line.deep.a.b.c.apiKey).toBe("[redacted]");
    expect(line.note).toBe("retrying with key [redacted] and secret [redacted]");
    expect(line.msg).toBe("request with [redacted]");
  });

  it("redacts prompt and completion text unless prompt logging is on", () => {
    const body = { model: "auto", messages: [{ role: "user", content: PROMPT }] };
    const hidden = capture(false);
    hidden.logger.debug({ requestId: "req_1", request: body, job: { data: { request: body } }, prompt: PROMPT }, "accepted");
    expect(hidden.text()).not.toContain(PROMPT);
    expect(JSON.parse(hidden.text()).requestId).toBe("req_1");

    const shown = capture(true);
    shown.logger.debug({ request: body, auth: { authorization: `Bearer ${BEARER}` } }, "accepted");
    expect(shown.text()).toContain(PROMPT);
    expect(shown.text()).not.toContain(BEARER);
  });

  it("serialises errors and scrubs their messages and properties", () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error(`upstream said: invalid key ${PROVIDER_KEY}`), {
      data: { kind: "auth", bodyExcerpt: `{"error":"${PROMPT}"}` },
    });
    logger.error({ err: error }, "provider call failed");
    logger.error(error);
    const out = text();
    expect(out).not.toContain(PROVIDER_KEY);
    expect(out).not.toContain(PROMPT);
    const [first] = out.trim().split("\n").map((line) => JSON.parse(line));
    expect(first.err.type).toBe("Error");
    expect(first.err.message).toBe("upstream said: invalid key [redacted]");
    expect(first.err.stack).toEqual(expect.stringContaining("Error"));
    expect(first.err.data.kind).toBe("auth");
  });

  it("survives circular and very deep objects", () => {
    const { logger, text } = capture();
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = (deep.next = {}) as Record<string, unknown>;
    logger.info({ circular, root }, "odd shapes");
    expect(JSON.parse(text()).circular.self).toBe("[circular]");
  });

  it("reads SWITCHYARD_LOG_PROMPTS", () => {
    expect(logPromptsFromEnv({})).toBe(false);
    expect(logPromptsFromEnv({ SWITCHYARD_LOG_PROMPTS: "true" })).toBe(true);
    expect(logPromptsFromEnv({ SWITCHYARD_LOG_PROMPTS: "1" })).toBe(true);
    expect(logPromptsFromEnv({ SWITCHYARD_LOG_PROMPTS: "no" })).toBe(false);
  });
});
