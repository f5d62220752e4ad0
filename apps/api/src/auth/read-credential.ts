import type { Request } from "express";

/** What a caller presented: an API key (Bearer or `x-api-key`), or a basic-auth login (browsers, the dashboard). */
export type Credential = { kind: "key"; key: string } | { kind: "basic"; username: string; password: string };

function parseBasic(value: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Reads the caller's credential from the headers: `x-api-key` first (Anthropic's clients send it), then
 * `Authorization: Bearer` (OpenAI's clients and everyone else), then `Authorization: Basic`. Undefined when none is
 * presented; a malformed one is returned as an empty key, so it is refused as invalid rather than as missing.
 */
export function readCredential(request: Pick<Request, "get">): Credential | undefined {
  const apiKey = request.get("x-api-key");
  if (apiKey !== undefined) return { kind: "key", key: apiKey.trim() };
  const header = request.get("authorization");
  if (header === undefined || header.trim() === "") return undefined;
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? "" : header.slice(space + 1).trim();
  if (scheme === "bearer") return { kind: "key", key: value };
  if (scheme === "basic") {
    const basic = parseBasic(value);
    return basic ? { kind: "basic", ...basic } : { kind: "key", key: "" };
  }
  return { kind: "key", key: "" };
}
