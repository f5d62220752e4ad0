/** What a Gemini URL says: `/{v1beta|v1}/models/{model}:{generateContent|streamGenerateContent}?alt=sse&key=`. */
export interface GeminiRoute {
  apiVersion: string;
  model: string;
  stream: boolean;
  /** `alt=sse`: server-sent events; otherwise a stream is one JSON array. */
  sse: boolean;
  /** The `key` query parameter, when given. */
  queryKey: string | undefined;
}

export const GEMINI_PATH_PREFIXES = ["/v1beta/models/", "/v1/models/"] as const;
const GEMINI_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** The route of a Gemini generation URL, or `undefined` when the path names no generation method. */
export function parseGeminiRoute(path: string, query: string): GeminiRoute | undefined {
  const match = GEMINI_PATH.exec(path);
  if (!match) return undefined;
  const params = new URLSearchParams(query);
  let model: string;
  try {
    model = decodeURIComponent(match[2] ?? "");
  } catch {
    return undefined;
  }
  return {
    apiVersion: match[1] ?? "v1beta",
    model,
    stream: match[3] === "streamGenerateContent",
    sse: params.get("alt") === "sse",
    queryKey: params.get("key") ?? undefined,
  };
}
