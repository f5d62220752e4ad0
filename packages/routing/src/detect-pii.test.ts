import { describe, expect, it } from "vitest";
import type { PiiKind } from "@switchyard/contracts";
import { detectPii, ibanValid, luhnValid } from "./detect-pii.js";

function expectKinds(cases: readonly string[], kinds: PiiKind[]): void {
  for (const text of cases) expect(detectPii(text), text).toEqual(kinds);
}

describe("luhnValid", () => {
  it("accepts valid card numbers, with or without separators", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("5555-5555-5555-4444")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("79927398713")).toBe(true);
  });

  it("rejects a changed digit, non-digits and trivial input", () => {
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("4111x111")).toBe(false);
    expect(luhnValid("")).toBe(false);
    expect(luhnValid("0")).toBe(false);
  });
});

describe("ibanValid", () => {
  it("accepts registry examples, spaced or compact, any case", () => {
    for (const iban of [
      "GB82 WEST 1234 5698 7654 32",
      "GB82WEST12345698765432",
      "gb82 west 1234 5698 7654 32",
      "DE89 3704 0044 0532 0130 00",
      "FR14 2004 1010 0505 0001 3M02 606",
      "NL91 ABNA 0417 1643 00",
      "NO93 8601 1117 947",
      "BE68 5390 0754 7034",
      "CH93 0076 2011 6238 5295 7",
      "ES91 2100 0418 4502 0005 1332",
    ]) {
      expect(ibanValid(iban), iban).toBe(true);
    }
  });

  it("rejects a changed digit, swapped digits, a wrong length and an unknown country", () => {
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
    expect(ibanValid("GB82 WEST 1234 5698 7654 23")).toBe(false);
    expect(ibanValid("GB83 WEST 1234 5698 7654 32")).toBe(false);
    expect(ibanValid("GB82 WEST 1234 5698 7654 3")).toBe(false);
    expect(ibanValid("DE89 3704 0044 0532 0130 0000")).toBe(false);
    expect(ibanValid("QQ82 WEST 1234 5698 7654 32")).toBe(false);
    expect(ibanValid("not an iban")).toBe(false);
  });
});

describe("detectPii", () => {
  it("finds nothing in ordinary text", () => {
    expectKinds(
      [
        "",
        "What is the capital of France?",
        "Explain how BullMQ retries failed jobs, step by step.",
        "The meeting moved from 2023 to 2024, see ticket #4521 and section 3.2.1.",
        "Revenue grew 12.5% to $1,234,567 in Q3 2024.",
      ],
      [],
    );
  });

  it("finds email addresses", () => {
    expectKinds(
      ["mail me at john.doe+tag@example.co.uk please", "Contact: a_b@sub.example.org.", "<jane@example.com>"],
      ["email"],
    );
    expectKinds(["@username mentions", "user@localhost", "a@b", "price@ 5", "john@example."], []);
  });

  it("finds phone numbers in international and common national formats", () => {
    expectKinds(
      [
        "call (555) 123-4567 tomorrow",
        "555-123-4567",
        "555.123.4567",
        "Call 1-800-555-1234 now",
        "+44 20 7946 0958",
        "+1 (555) 123-4567",
        "+33 1 23 45 67 89",
        "+4915112345678",
        "020 7946 0958",
        "07700 900123",
        "(020) 7946 0958",
        "06.12.34.56.78",
        "my phone: 5551234567",
        "Tel +4915112345678",
      ],
      ["phone"],
    );
  });

  it("does not mistake years, dates, times, versions, IPs or short numbers for phones", () => {
    expectKinds(
      [
        "in 2024 and 2025",
        "on 2024-01-15 at 10:30",
        "01.02.2024",
        "12/05/2024",
        "version 10.0.19041.1234",
        "ping 192.168.100.200",
        "room 555",
        "order 12345",
        "ISBN 978-3-16-148410-0",
        "a result of 3 +12345",
        "123-456-7890 is a placeholder",
        "5551234567",
      ],
      [],
    );
  });

  it("finds card numbers that pass Luhn and match a network", () => {
    expectKinds(
      [
        "pay with 4111 1111 1111 1111",
        "4111111111111111",
        "5555-5555-5555-4444",
        "Amex 3782 822463 10005",
        "6011 1111 1111 1117",
      ],
      ["card"],
    );
  });

  it("does not flag numbers that fail Luhn, match no network, or are grouped oddly", () => {
    expectKinds(
      [
        "4111 1111 1111 1112",
        "order 1234 5678 9012 3456",
        "tracking 9400 1000 0000 0000 0000 00",
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",
        "4111 1111-1111 1111",
        "id 04111111111111111",
      ],
      [],
    );
  });

  it("a 16-digit number failing Luhn is not a card, one passing is", () => {
    const digits = "4539578763621486";
    expect(luhnValid(digits)).toBe(true);
    expect(detectPii(`ref ${digits}`)).toEqual(["card"]);
    const broken = digits.slice(0, 15) + String((Number(digits[15]) + 1) % 10);
    expect(detectPii(`ref ${broken}`)).toEqual([]);
  });

  it("finds national ids: US SSN, UK NI number, Spanish DNI/NIE", () => {
    expectKinds(
      [
        "ssn 123-45-6789",
        "SSN: 123456789",
        "social security number 123 45 6789",
        "NI number AB123456C",
        "AB 12 34 56 C",
        "DNI 12345678Z",
        "NIE X1234567L",
      ],
      ["national_id"],
    );
  });

  it("rejects never-issued SSNs, invalid NI prefixes and wrong DNI letters", () => {
    expectKinds(
      [
        "000-12-3456",
        "666-12-3456",
        "912-34-5678",
        "123-00-6789",
        "123-45-0000",
        "order 123456789",
        "GB123456C",
        "AB123456E",
        "DNI 12345678A",
        "ab123456c",
      ],
      [],
    );
  });

  it("finds IBANs, spaced, compact, or in a sentence, only when mod-97 holds", () => {
    expectKinds(
      [
        "GB82 WEST 1234 5698 7654 32",
        "IBAN: GB82WEST12345698765432.",
        "IBAN: GB82 WEST 1234 5698 7654 32 AND MORE TEXT",
        "AB12 GB82 WEST 1234 5698 7654 32",
        "pay to DE89 3704 0044 0532 0130 00 by Friday",
      ],
      ["iban"],
    );
    expectKinds(["GB82 WEST 1234 5698 7654 33", "GB82 WEST 1234 5698 7654 3", "XX82 WEST 1234 5698 7654 32"], []);
  });

  it("finds API keys and other credentials", () => {
    expectKinds(
      [
        "OPENAI_API_KEY=sk-proj-abc123DEF456ghi789JKL012mno",
        "key sk-1234567890abcdefghijklmnop",
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789",
        "aws AKIAIOSFODNN7EXAMPLE",
        `token ghp_${"a1B2".repeat(9)}`,
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
        "AIzaSyA-1234567890abcdefghijklmnopqrstu",
        "xoxb-123456789012-abcdefABCDEF",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE...",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      ],
      ["api_key"],
    );
  });

  it("does not flag key-like words", () => {
    expectKinds(
      [
        "sk-this-is-not-a-real-key-at-all",
        "task-1234567890abcdefghij12",
        "scikit-learn is also written sk-learn",
        "AKIA is the prefix of AWS access keys",
        "ghp_short",
        "use the -----BEGIN PUBLIC KEY----- block",
      ],
      [],
    );
  });

  it("reports each kind once, in alphabetical order", () => {
    const text = [
      "Email a@example.com or b@example.com, phone +44 20 7946 0958,",
      "card 4111 1111 1111 1111, SSN 123-45-6789, IBAN GB82 WEST 1234 5698 7654 32,",
      "key sk-proj-abc123DEF456ghi789JKL012mno",
    ].join(" ");
    expect(detectPii(text)).toEqual(["api_key", "card", "email", "iban", "national_id", "phone"]);
  });

  it("stays linear on adversarial megabyte inputs", () => {
    const size = 1_000_000;
    const inputs = [
      "a".repeat(size),
      "1".repeat(size),
      "1 ".repeat(size / 2),
      "a@".repeat(size / 2),
      "a.b-c@d".repeat(size / 7),
      "+1 ".repeat(size / 3),
      "AB12 ".repeat(size / 5),
      "sk-".repeat(size / 3),
      "0 ".repeat(size / 2),
      "123-".repeat(size / 4),
    ];
    for (const text of inputs) {
      const startedAt = performance.now();
      detectPii(text);
      expect(performance.now() - startedAt, text.slice(0, 8)).toBeLessThan(1_500);
    }
  });
});
