import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/** `req_` + 10 chars of time + 16 chars of randomness (ULID layout, lower case): sortable and unguessable. */
export function newRequestId(nowMs: number): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = "";
  for (const byte of bytes) random += CROCKFORD[byte % 32];
  return `req_${time}${random}`;
}

export const REQUEST_ID_PATTERN = /^req_[0-9a-z]{26}$/;
