export const BODY_EXCERPT_MAX_CHARS = 500;

/** The start of a provider's response body, kept on errors for diagnosis. Never the request. */
export function bodyExcerpt(bodyText: string): string | undefined {
  return bodyText === "" ? undefined : bodyText.slice(0, BODY_EXCERPT_MAX_CHARS);
}
