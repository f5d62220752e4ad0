import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chatRequestSchema, type ChatMessage, type ChatRequest } from "@switchyard/contracts";
import { responseCacheKey } from "./response-cache-key.js";
import { canonicalJson } from "./canonical-json.js";

const base: ChatRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "What is 2 + 2?" }], temperature: 0 };

const textArbitrary = fc.string({ maxLength: 20 });

const messageArbitrary: fc.Arbitrary<ChatMessage> = fc.record(
  {
    role: fc.constantFrom("system", "developer", "user", "assistant", "tool"),
    content: fc.oneof(
      textArbitrary,
      fc.constant(null),
      fc.array(fc.record({ type: fc.constant("text" as const), text: textArbitrary }), { minLength: 1, maxLength: 3 }),
    ),
    name: fc.stringMatching(/^[a-z]{1,8}$/),
    tool_call_id: fc.stringMatching(/^call_[a-z0-9]{1,6}$/),
  },
  { requiredKeys: ["role", "content"] },
);

const requestArbitrary: fc.Arbitrary<ChatRequest> = fc.record(
  {
    model: fc.constantFrom("gpt-4o", "claude-sonnet", "llama-3"),
    messages: fc.array(messageArbitrary, { minLength: 1, maxLength: 4 }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    stop: fc.oneof(textArbitrary, fc.array(textArbitrary, { maxLength: 4 })),
    seed: fc.integer(),
    tools: fc.array(
      fc.record({
        type: fc.constant("function" as const),
        function: fc.record({
          name: fc.stringMatching(/^[a-z_]{1,12}$/),
          parameters: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.jsonValue({ maxDepth: 2 })),
        }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    tool_choice: fc.constantFrom("auto" as const, "none" as const, "required" as const),
    response_format: fc.constantFrom({ type: "text" as const }, { type: "json_object" as const }),
  },
  { requiredKeys: ["messages"] },
);

/** The routing-only fields, any of which may be present or absent. */
const routingFieldsArbitrary = fc.record(
  {
    user: fc.string({ maxLength: 10 }),
    metadata: fc.record({ urgency: fc.constantFrom("realtime" as const, "batch" as const), team: fc.string({ maxLength: 8 }) }),
    constraints: fc.record({ requiresLocal: fc.boolean(), maxLatencyMs: fc.integer({ min: 1, max: 10_000 }) }),
    tenant: fc.stringMatching(/^[a-z]{1,8}$/),
    cache: fc.constantFrom("prefer" as const, "fallback" as const, "off" as const),
  },
  { requiredKeys: [] },
);

/** The same data with every object's keys in an order drawn from `seed` (a deterministic shuffle). */
function reorderKeys<T>(value: T, seed: number): T {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== "object") return node;
    const entries = Object.entries(node);
    for (let index = entries.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [entries[index], entries[other]] = [entries[other]!, entries[index]!];
    }
    return Object.fromEntries(entries.map(([key, member]) => [key, visit(member)]));
  };
  return visit(value) as T;
}

describe("responseCacheKey", () => {
  it("is a hex SHA-256, stable across releases unless the normalization is meant to change", () => {
    const key = responseCacheKey("acme", base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // Pinned: a change here invalidates every stored entry; bump KEY_VERSION when it is intended.
    expect(key).toMatchInlineSnapshot(`"044f9fdff92d623611cb29b33bf39586155b90cb27f8a8d10fb842ebf890ff41"`);
  });

  it("the generated requests are valid requests", () => {
    fc.assert(fc.property(requestArbitrary, (request) => chatRequestSchema.safeParse(request).success));
  });

  it("does not depend on the order of object keys, at any depth", () => {
    fc.assert(
      fc.property(requestArbitrary, fc.integer(), (request, seed) => {
        expect(responseCacheKey("acme", reorderKeys(request, seed))).toBe(responseCacheKey("acme", request));
      }),
    );
  });

  it("does not depend on user, metadata, constraints, tenant or cache", () => {
    fc.assert(
      fc.property(requestArbitrary, routingFieldsArbitrary, (request, routing) => {
        expect(responseCacheKey("acme", { ...request, ...routing })).toBe(responseCacheKey("acme", request));
      }),
    );
  });

  it("changes with the temperature", () => {
    fc.assert(
      fc.property(
        requestArbitrary,
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (request, first, second) => {
          fc.pre(first !== second && !(first === 0 && second === 0));
          expect(responseCacheKey("acme", { ...request, temperature: first })).not.toBe(
            responseCacheKey("acme", { ...request, temperature: second }),
          );
        },
      ),
    );
  });

  it("is scoped to the tenant argument", () => {
    fc.assert(
      fc.property(requestArbitrary, fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/), (request, first, second) => {
        fc.pre(first !== second);
        expect(responseCacheKey(first, request)).not.toBe(responseCacheKey(second, request));
      }),
    );
  });

  it("treats string content and a single text part alike", () => {
    fc.assert(
      fc.property(requestArbitrary, textArbitrary, (request, text) => {
        const asString: ChatRequest = { ...request, messages: [...request.messages, { role: "user", content: text }] };
        const asPart: ChatRequest = { ...request, messages: [...request.messages, { role: "user", content: [{ type: "text", text }] }] };
        expect(responseCacheKey("acme", asPart)).toBe(responseCacheKey("acme", asString));
      }),
    );
  });

  it("treats a stop string and a one-element stop list alike, and an empty list as no stop", () => {
    expect(responseCacheKey("acme", { ...base, stop: "\n\n" })).toBe(responseCacheKey("acme", { ...base, stop: ["\n\n"] }));
    expect(responseCacheKey("acme", { ...base, stop: [] })).toBe(responseCacheKey("acme", base));
    expect(responseCacheKey("acme", { ...base, stop: ["a", "b"] })).not.toBe(responseCacheKey("acme", { ...base, stop: ["b", "a"] }));
  });

  it("keeps everything else that can change the answer", () => {
    const key = responseCacheKey("acme", base);
    const variants: ChatRequest[] = [
      { ...base, model: "gpt-4o" },
      { ...base, model: undefined },
      { ...base, messages: [{ role: "user", content: "What is 2 + 2? " }] },
      { ...base, messages: [{ role: "user", content: [{ type: "text", text: "What is 2 + 2?" }, { type: "text", text: "" }] }] },
      { ...base, messages: [{ role: "system", content: "What is 2 + 2?" }] },
      { ...base, messages: [{ role: "user", content: "What is 2 + 2?", name: "ann" }] },
      { ...base, messages: [{ role: "user", content: "What is 2 + 2?" }, { role: "user", content: "And 3 + 3?" }] },
      { ...base, max_tokens: 10 },
      { ...base, top_p: 0.5 },
      { ...base, seed: 7 },
      { ...base, stop: "." },
      { ...base, tools: [{ type: "function", function: { name: "add" } }] },
      { ...base, tool_choice: "none" },
      { ...base, response_format: { type: "json_object" } },
    ];
    const keys = variants.map((variant) => responseCacheKey("acme", variant));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  it("keeps the order of messages and their tool calls", () => {
    const call = (id: string) => ({ id, type: "function" as const, function: { name: "add", arguments: `{"id":"${id}"}` } });
    const conversation = (callIds: string[], answeredId: string): ChatRequest => ({
      messages: [
        { role: "user", content: "add things" },
        { role: "assistant", content: null, tool_calls: callIds.map(call) },
        { role: "tool", content: "4", tool_call_id: answeredId },
      ],
    });
    const key = responseCacheKey("acme", conversation(["a", "b"], "a"));
    expect(responseCacheKey("acme", conversation(["b", "a"], "a"))).not.toBe(key);
    expect(responseCacheKey("acme", conversation(["a", "b"], "b"))).not.toBe(key);
    const { messages } = conversation(["a", "b"], "a");
    expect(responseCacheKey("acme", { messages: [...messages].reverse() })).not.toBe(key);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ f: 1, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[{"f":1}]},"b":1}');
  });

  it('keeps a "__proto__" key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it("is equal for JSON-equal values whatever their key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        expect(canonicalJson(reorderKeys(value, seed))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
