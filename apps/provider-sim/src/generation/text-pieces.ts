/**
 * Splits text into the pieces a stream sends, `wordsPerPiece` words each with their leading whitespace, so
 * joining the pieces gives the text back exactly (OpenAI streams about a token a chunk, Anthropic and Gemini
 * a few words).
 */
export function textPieces(text: string, wordsPerPiece: number): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [];
  if (wordsPerPiece <= 1) return words;
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerPiece) {
    pieces.push(words.slice(index, index + wordsPerPiece).join(""));
  }
  return pieces;
}

/** Splits a JSON text into pieces of about `size` characters, as tool-argument deltas arrive. */
export function jsonPieces(json: string, size: number): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < json.length; index += size) pieces.push(json.slice(index, index + size));
  return pieces;
}
