const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Anthropic's id style: a prefix, `01`, and base58 characters (`msg_01...`, `toolu_01...`, `req_01...`). */
export function anthropicId(prefix: "msg" | "toolu" | "req"): string {
  let id = `${prefix}_01`;
  for (let index = 0; index < 22; index++) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return id;
}
