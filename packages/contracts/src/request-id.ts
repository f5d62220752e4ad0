import { randomFillSync } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const RANDOM_CHARS = 16;

// Random bytes are drawn from the CSPRNG a pool at a time (like randomUUID's own cache): one call per 256 ids
// instead of one per id, which showed in the API's profile at a thousand requests a second.
const pool = Buffer.alloc(RANDOM_CHARS * 256);
let poolOffset = pool.length;

function randomChars(): string {
  if (poolOffset + RANDOM_CHARS > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let random = "";
  for (let index = 0; index < RANDOM_CHARS; index++) random += CROCKFORD[pool[poolOffset + index]! % 32];
  poolOffset += RANDOM_CHARS;
  return random;
}

/** `req_` + 10 chars of time + 16 chars of randomness (ULID layout, lower case): sortable and unguessable. */
export function newRequestId(nowMs: number): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `req_${time}${randomChars()}`;
}

export const REQUEST_ID_PATTERN = /^req_[0-9a-z]{26}$/;
