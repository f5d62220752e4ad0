import type { PiiKind } from "@switchyard/contracts";

/*
 * PII detection decides whether a request may leave private deployments, so a false negative leaks data
 * and a false positive sends an innocent request to the (weaker) private tier. Each kind is a candidate
 * pattern followed, where one exists, by a checksum or structural rule: Luhn plus a card network's
 * prefix and length for cards, mod-97 plus the country's length for IBANs, area rules for SSNs, the check
 * letter for Spanish DNI/NIE. That is what keeps "a 16-digit order number" from being a card.
 *
 * Every pattern is linear on adversarial input (bounded quantifiers, or a look-behind that allows one
 * start per run of characters): the API runs this on request bodies of up to a megabyte.
 */

/** Runs a global pattern and returns true at the first match that `accept` confirms. */
function someMatch(pattern: RegExp, text: string, accept: (match: RegExpExecArray) => boolean = () => true): boolean {
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (accept(match)) return true;
    // A rejected candidate may have swallowed the start of a real one (e.g. a word glued before an IBAN).
    pattern.lastIndex = match.index + 1;
  }
  return false;
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

// ---------------------------------------------------------------------------------------------- email

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g;

function hasEmail(text: string): boolean {
  return text.includes("@") && someMatch(EMAIL, text);
}

// ---------------------------------------------------------------------------------------------- phone

/**
 * `+` and a country code, then digits with single separators: `+44 20 7946 0958`, `+1 (555) 123-4567`,
 * `+4915112345678`. E.164 numbers have at most 15 digits; fewer than 8 is not a real number.
 */
const PHONE_INTERNATIONAL = /(?<![\w+])\+(?:\d|\(\d{1,4}\)|[ .-](?=[\d(]))+/g;
/** North American: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `1-800-555-1234`. */
const PHONE_NANP =
  /(?<![\w+.-])(?<!\d[ .-])(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}(?![\w-]|[ .-]\d)/g;
/** National numbers with a trunk `0` (UK, EU, AU, ...): `020 7946 0958`, `07700 900123`, `06.12.34.56.78`. */
const PHONE_TRUNK =
  /(?<![\w+.-])(?<!\d[ .-])(?:\(0\d{1,4}\) ?|0\d{1,4}[ .-])\d{2,8}(?:[ .-]\d{2,8}){0,4}(?![\w-]|[ .-]\d)/g;
/** Unformatted digits count only when the text says they are a phone number. */
const PHONE_WITH_KEYWORD =
  /\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|whatsapp|sms|call me(?: at| on)?)\b(?:\s*(?:number|no\.?|#))?\s*[:=]?\s*\+?\d{9,15}(?!\d)/gi;

function validInternational(match: RegExpExecArray): boolean {
  const candidate = match[0];
  const digits = digitsOf(candidate).length;
  if (digits > 15) return false;
  // A bare "+12345678" is as likely arithmetic as a phone number; unseparated numbers need 10 digits.
  return /[ .()-]/.test(candidate) ? digits >= 8 : digits >= 10;
}

function validTrunk(match: RegExpExecArray): boolean {
  const candidate = match[0];
  const digits = digitsOf(candidate).length;
  if (digits < 10 || digits > 11) return false;
  // Mixed dots and dashes ("01.02-2024 ...") read as dates or codes, not phone numbers.
  const separators = new Set(candidate.replace(/[\d()]/g, "").replace(/ /g, ""));
  return separators.size <= 1;
}

function hasPhone(text: string): boolean {
  return (
    someMatch(PHONE_INTERNATIONAL, text, validInternational) ||
    someMatch(PHONE_NANP, text) ||
    someMatch(PHONE_TRUNK, text, validTrunk) ||
    someMatch(PHONE_WITH_KEYWORD, text)
  );
}

// ----------------------------------------------------------------------------------------------- card

/** The Luhn (mod-10) check used by payment cards. `digits` may contain spaces or dashes. */
export function luhnValid(digits: string): boolean {
  const clean = digits.replace(/[ -]/g, "");
  if (!/^\d+$/.test(clean) || clean.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let index = clean.length - 1; index >= 0; index--) {
    let digit = clean.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes and lengths of the major networks; a number outside all of them is not a card. */
const CARD_NETWORKS: readonly { prefix: RegExp; lengths: readonly number[] }[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^3(?:0[0-5]|095|[689])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(?:2[89]|[3-8])/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^220[0-4]/, lengths: [16, 17, 18, 19] }, // Mir
  { prefix: /^(?:5[06-9]|6\d)/, lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/** 13–19 digits, optionally grouped by spaces or dashes, not glued to more digits; after a `+` it is a phone. */
const CARD_CANDIDATE = /(?<![\d.+-])\d(?:[ -]?\d){12,18}(?!\d|[ -]\d)/g;

function validCard(match: RegExpExecArray): boolean {
  const candidate = match[0];
  const separators = new Set(candidate.replace(/\d/g, ""));
  if (separators.size > 1) return false;
  // Grouped numbers come in groups of 3–6 (4-4-4-4, 4-6-5, 4-4-4-4-3); "1 2 3 ..." is not a card.
  if (separators.size === 1 && candidate.split(/[ -]/).some((group) => group.length < 3 || group.length > 6)) {
    return false;
  }
  const digits = digitsOf(candidate);
  const network = CARD_NETWORKS.some(({ prefix, lengths }) => prefix.test(digits) && lengths.includes(digits.length));
  return network && luhnValid(digits);
}

function hasCard(text: string): boolean {
  return someMatch(CARD_CANDIDATE, text, validCard);
}

// ---------------------------------------------------------------------------------------- national_id

/** US SSN with dashes; areas 000, 666 and 900–999, group 00 and serial 0000 are never issued. */
const US_SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;
/** An SSN written without dashes counts only next to the words that name it. */
const US_SSN_WITH_KEYWORD =
  /\b(?:SSN|social security(?: number| no\.?)?)\b\D{0,20}?(?<!\d)(?!000|666|9\d\d)\d{3}[ -]?(?!00)\d{2}[ -]?(?!0000)\d{4}(?!\d)/gi;
/** UK National Insurance number: HMRC's allowed prefix letters, six digits, suffix A–D. */
const UK_NINO =
  /(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g;
/** Spanish DNI (8 digits) and NIE (X/Y/Z + 7 digits), each with a mod-23 check letter. */
const SPANISH_ID = /(?<![A-Za-z0-9])([XYZ]?)-?(\d{7,8})-?([A-Z])(?![A-Za-z0-9])/gi;
const SPANISH_CHECK_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

function validSpanishId(match: RegExpExecArray): boolean {
  const [, niePrefix = "", digits = "", letter = ""] = match;
  const prefix = niePrefix.toUpperCase();
  // DNI: exactly 8 digits and no prefix; NIE: a prefix and exactly 7 digits.
  if (prefix === "" ? digits.length !== 8 : digits.length !== 7) return false;
  const number = Number(`${prefix === "" ? "" : "XYZ".indexOf(prefix)}${digits}`);
  return SPANISH_CHECK_LETTERS[number % 23] === letter.toUpperCase();
}

function hasNationalId(text: string): boolean {
  return (
    someMatch(US_SSN, text) ||
    someMatch(US_SSN_WITH_KEYWORD, text) ||
    someMatch(UK_NINO, text) ||
    someMatch(SPANISH_ID, text, validSpanishId)
  );
}

// ----------------------------------------------------------------------------------------------- iban

/** IBAN length per country (SWIFT IBAN registry). An unknown country code is not an IBAN. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24,
  ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 check: the country's length, then mod 97 of the rearranged number equals 1. Spaces allowed. */
export function ibanValid(iban: string): boolean {
  const compact = iban.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index++) {
    const code = rearranged.charCodeAt(index);
    // Letters count as two digits (A = 10 ... Z = 35).
    remainder = code >= 65 ? (remainder * 100 + code - 55) % 97 : (remainder * 10 + code - 48) % 97;
  }
  return remainder === 1;
}

/** Country code, check digits, then BBAN characters, compact or in (usually 4-character) groups. */
const IBAN_CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

function validIbanCandidate(match: RegExpExecArray): boolean {
  const candidate = match[0];
  const length = IBAN_LENGTHS[candidate.slice(0, 2)];
  if (length === undefined) return false;
  // The greedy candidate may run on into the next word; cut it at the country's length, which must
  // fall between two groups rather than inside one.
  let seen = 0;
  let end = 0;
  while (end < candidate.length && seen < length) {
    if (candidate[end] !== " ") seen++;
    end++;
  }
  if (seen < length || (end < candidate.length && candidate[end] !== " ")) return false;
  return ibanValid(candidate.slice(0, end));
}

function hasIban(text: string): boolean {
  return someMatch(IBAN_CANDIDATE, text, validIbanCandidate);
}

// -------------------------------------------------------------------------------------------- api_key

/** Credentials with a recognisable shape. Secrets that look like random strings cannot be told apart. */
const API_KEY_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/g, // Anthropic
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Za-z])/g, // AWS access key id
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, // GitHub classic tokens
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/g, // GitHub fine-grained tokens
  /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, // Google API key
  /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe secret and restricted keys
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g, // PEM private keys
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JWTs
];
/** OpenAI (`sk-`, `sk-proj-`, `sk-svcacct-`): only with letters and digits, so "sk-a-long-word-chain" is not one. */
const OPENAI_KEY = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g;

function hasApiKey(text: string): boolean {
  return (
    API_KEY_PATTERNS.some((pattern) => someMatch(pattern, text)) ||
    someMatch(OPENAI_KEY, text, (match) => /\d/.test(match[0]) && /[A-Za-z]/.test(match[0].slice(3)))
  );
}

// ------------------------------------------------------------------------------------------ detectPii

const DETECTORS: readonly [PiiKind, (text: string) => boolean][] = [
  ["api_key", hasApiKey],
  ["card", hasCard],
  ["email", hasEmail],
  ["iban", hasIban],
  ["national_id", hasNationalId],
  ["phone", hasPhone],
];

/** The kinds of PII found in `text`, each once, in alphabetical order. */
export function detectPii(text: string): PiiKind[] {
  return DETECTORS.filter(([, detect]) => detect(text)).map(([kind]) => kind);
}
