import type { AnthropicImageSource } from "./anthropic-request-schema.js";

/** `data:<media type>[;<parameter>...];base64,<data>`; the media type and the data are captured. */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/is;

/**
 * An `image_url` part's URL → Anthropic's image source: base64 data URLs become `base64` sources, http(s) URLs
 * `url` sources. `undefined` for anything else (other schemes, data URLs that are not base64), which Anthropic
 * cannot fetch or decode.
 */
export function convertImageUrlToSource(url: string): AnthropicImageSource | undefined {
  const dataUrl = BASE64_DATA_URL.exec(url);
  if (dataUrl) return { type: "base64", media_type: dataUrl[1]!.toLowerCase(), data: dataUrl[2]! };
  if (/^https?:\/\//i.test(url)) return { type: "url", url };
  return undefined;
}

/** The inverse: an Anthropic image source → the URL of an OpenAI `image_url` part. */
export function convertImageSourceToUrl(source: AnthropicImageSource): string {
  return source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url;
}
