import type { ProviderErrorContext } from "../map-transport-error.js";
import { geminiConversionError } from "./gemini-conversion-error.js";
import type { GeminiPart } from "./gemini-request-schema.js";

/** The image types Gemini reads (its "Image understanding" guide), by file extension. */
export const GEMINI_IMAGE_MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

const BASE64_DATA_URL = /^data:(image\/[A-Za-z0-9.+-]+)(?:;[^;,]*)*;base64,([A-Za-z0-9+/=_-]*)$/;

/**
 * An `image_url` → a Gemini part: a base64 data URL becomes `inlineData`, an http(s) URL becomes `fileData` with the
 * MIME type its file extension names (Gemini needs one and does not sniff). Anything else is refused: a URL without a
 * known image extension, a data URL that is not base64 or not an image, other schemes.
 */
export function convertImageUrlToGeminiPart(url: string, context: ProviderErrorContext): GeminiPart {
  if (url.startsWith("data:")) {
    const match = BASE64_DATA_URL.exec(url);
    if (!match) throw geminiConversionError("an image data URL must be base64 and of an image/* type", context);
    return { inlineData: { mimeType: match[1] as string, data: match[2] as string } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw geminiConversionError(`image URL ${describeUrl(url)} is neither a data URL nor an absolute http(s) URL`, context);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw geminiConversionError(`image URL scheme "${parsed.protocol}" is not supported; use http(s) or a data URL`, context);
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(parsed.pathname)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : GEMINI_IMAGE_MIME_TYPES[extension];
  if (mimeType === undefined) {
    throw geminiConversionError(
      `cannot tell the image type of ${describeUrl(url)}: Gemini needs one, and the path does not end in ` +
        `${Object.keys(GEMINI_IMAGE_MIME_TYPES).map((known) => `.${known}`).join(", ")}; send it as a data URL instead`,
      context,
    );
  }
  return { fileData: { mimeType, fileUri: url } };
}

/** The URL as it may appear in an error message: never a data URL's payload, never more than 100 characters. */
function describeUrl(url: string): string {
  return JSON.stringify(url.length > 100 ? `${url.slice(0, 100)}…` : url);
}
