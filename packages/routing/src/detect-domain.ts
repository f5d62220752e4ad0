import type { Domain } from "@switchyard/contracts";

export type SpecialDomain = Exclude<Domain, "general">;

interface DomainRule {
  domain: SpecialDomain;
  /** Global; every distinct (case-folded) match counts, up to MAX_HITS_PER_RULE. */
  pattern: RegExp;
  weight: number;
}

/**
 * Distinct matches per rule that count: ten mentions of "function" are not ten times the evidence, and
 * a long document should not win a domain by repetition alone.
 */
const MAX_HITS_PER_RULE = 3;

/** Below this score the text is `general`: one weak word ("code", "price", "form") is not a domain. */
export const MIN_DOMAIN_SCORE = 2;

/**
 * Ties go to the earlier domain. Code, extraction and math come first because deployments differ most
 * there and the answer is checkable; then the regulated domains; creative last, as its vocabulary
 * ("write", "story", "character") shows up everywhere.
 */
export const DOMAIN_TIE_ORDER: readonly SpecialDomain[] = [
  "code",
  "data-extraction",
  "math",
  "legal",
  "medical",
  "financial",
  "creative",
];

// Weights: 3–4 for near-certain evidence (a code fence, a stack trace), 2 for a domain's own vocabulary,
// 1 for words other domains use too.
const RULES: readonly DomainRule[] = [
  // code
  { domain: "code", weight: 4, pattern: /```/g },
  {
    domain: "code",
    weight: 3,
    pattern:
      /Traceback \(most recent call last\)|\bat [\w$.<>]+ \([^()\n]{1,300}:\d+:\d+\)|\bat [\w$.]+\(\w+\.java:\d+\)|\b(?:TypeError|ReferenceError|SyntaxError|NullPointerException|IndexError|KeyError|ValueError|AttributeError|Segmentation fault|panicked at)\b/g,
  },
  {
    domain: "code",
    weight: 3,
    pattern:
      /\bfunction\s*\w*\s*\([^)\n]{0,200}\)\s*\{|\bdef \w+\s*\(|\bclass \w+(?:\s*\([^)\n]{0,200}\))?\s*[:{]|\bconst \w+\s*=|=>\s*\{|#include\s*<|\bpublic static void\b|\bimport [\w{}*, ]{1,200} from ['"]|\bfrom [\w.]+ import \w|\bconsole\.log\(|\bprint\(|\bfn \w+\(|\bfunc \w+\(/g,
  },
  {
    domain: "code",
    weight: 3,
    // Upper-case SQL only: "select the best option from the list" is English.
    pattern: /\bSELECT\s+[\w*,\s.()]{1,200}?\s+FROM\s+\w+|\b(?:UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW))\b/g,
  },
  { domain: "code", weight: 3, pattern: /\bselect \* from\b|\b(?:insert\s+into|create\s+table|alter\s+table)\b/gi },
  {
    domain: "code",
    weight: 2,
    pattern:
      /\b(?:javascript|typescript|python|golang|kotlin|php|haskell|node\.?js|react|django|flask|kubernetes|docker(?:file)?|terraform|graphql|regexp?|npm|pnpm|webpack|git|github)\b|\b(?:c\+\+|c#)(?![\w#+])/gi,
  },
  { domain: "code", weight: 1, pattern: /\b(?:java|rust|swift|ruby|scala|perl|bash|shell|sql)\b/gi },
  {
    domain: "code",
    weight: 1,
    pattern:
      /\b(?:function|method|variable|compiler?|compil(?:es|ation)|debug(?:ging)?|refactor(?:ing)?|bug|stack trace|exception|null pointer|segfault|unit tests?|api|endpoint|repository|pull request|commit|algorithm|runtime|syntax|recursion|async|await|callback|array|hashmap|linked list|frontend|backend|database|codebase|snippet|source code|code)\b/gi,
  },

  // legal
  {
    domain: "legal",
    weight: 2,
    pattern:
      /\b(?:hereinafter|pursuant to|indemnif(?:y|ies|ied|ication)|governing law|force majeure|breach of contract|non-disclosure|NDA|tort|plaintiff|defendant|statutes?|statutory|jurisdiction|litigation|arbitration|subpoena|affidavit|notwithstanding|whereas|hereby|liabilit(?:y|ies)|case law|legal advice)\b/gi,
  },
  {
    domain: "legal",
    weight: 1,
    pattern:
      /\b(?:contracts?|agreements?|clauses?|lawsuit|sue|court|attorney|lawyer|legal|law|laws|compliance|GDPR|HIPAA|terms of service|copyright|trademark|patent|licen[cs]e|regulations?|landlord|lease)\b/gi,
  },

  // medical
  {
    domain: "medical",
    weight: 2,
    pattern:
      /\b(?:diagnosis|diagnosed|symptoms?|prescription|prescribed|dosage|mg\/kg|clinical|patients?|contraindications?|side effects?|comorbidit(?:y|ies)|ICD-10|blood pressure|heart rate|chemotherapy|antibiotics?|vaccin(?:e|es|ation)|pathology|prognosis)\b/gi,
  },
  {
    domain: "medical",
    weight: 1,
    pattern:
      /\b(?:doctor|physician|nurse|hospital|medical|medicine|medications?|treatment|therapy|disease|illness|infection|surgery|pain|fever|nausea|diabetes|cancer|asthma|allerg(?:y|ies|ic)|pregnan(?:t|cy)|headache|injury|mg|dose|health)\b/gi,
  },

  // financial
  {
    domain: "financial",
    weight: 2,
    pattern:
      /\b(?:EBITDA|balance sheet|cash flow|income statement|P&L|revenue|net income|gross margin|dividends?|portfolio|equities|interest rates?|mortgage|amorti[sz]ation|valuation|discounted cash flow|DCF|ROI|IRR|earnings per share|EPS|capital gains|hedge fund|stock market|securities|fiscal)\b/gi,
  },
  {
    domain: "financial",
    weight: 1,
    pattern:
      /\b(?:stocks?|shares|invest(?:ing|ment|ments|or|ors)?|loans?|debt|credit|tax(?:es)?|budget|profit|loss|earnings|inflation|bank|banking|accounting|audit|financial|finance|crypto(?:currency)?|bitcoin|trading|savings|retirement|insurance)\b/gi,
  },
  {
    domain: "financial",
    weight: 1,
    pattern: /[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars|euros)\b/gi,
  },

  // creative
  {
    domain: "creative",
    weight: 2,
    pattern:
      /\b(?:poem|poetry|haiku|sonnet|limerick|short story|story|stories|lyrics|song|screenplay|fairy tale|fiction|novel|verses?|rhym(?:e|es|ing)|narrative|plot twist|protagonist|fantasy|bedtime story|slogan|tagline|jingle)\b/gi,
  },
  {
    domain: "creative",
    weight: 1,
    pattern: /\b(?:creative|imagine|characters?|plot|scene|dialogue|metaphor|whimsical|once upon a time|funny|humorous)\b/gi,
  },

  // data-extraction
  {
    domain: "data-extraction",
    weight: 2,
    pattern:
      /\b(?:extract(?:ion|ing|ed)?|parse|parsing|scrape|named entit(?:y|ies)|key-value pairs?|structured (?:data|output)|pull out)\b/gi,
  },
  {
    domain: "data-extraction",
    weight: 2,
    pattern: /\b(?:as|in|into|to|return(?:ing)?|output) (?:valid |a |an )?(?:JSON|CSV|YAML|XML|table)\b/gi,
  },
  {
    domain: "data-extraction",
    weight: 1,
    pattern: /\b(?:JSON|CSV|XML|YAML|fields?|columns?|rows?|tables?|schema|entities|invoices?|receipts?|forms?|records?|spreadsheet)\b/gi,
  },

  // math
  {
    domain: "math",
    weight: 2,
    pattern:
      /\b(?:equations?|integral|derivative|differentiate|calculus|algebra|theorem|lemma|proof|prove|matrix|matrices|eigen\w*|polynomial|logarithm|probability|trigonometry|geometry|factori[sz]e|quadratic|solve for|prime numbers?|modulo|vector space|limit of)\b/gi,
  },
  {
    domain: "math",
    weight: 2,
    pattern: /[∫∑∏√π≤≥≠∞∂]|\\(?:frac|int|sum|sqrt|lim)\b|[a-z]\^\d|\b\d+(?:\.\d+)?\s*[+*^×÷]\s*\d+(?:\.\d+)?\b/g,
  },
  {
    domain: "math",
    weight: 1,
    pattern:
      /\b(?:calculate|compute|sum|average|mean|median|percent(?:age)?|ratio|fraction|formula|math(?:s|ematics|ematical)?|statistics|variance|standard deviation|solve)\b/gi,
  },
];

function distinctHits(pattern: RegExp, text: string): number {
  const seen = new Set<string>();
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (seen.size < MAX_HITS_PER_RULE && (match = pattern.exec(text)) !== null) {
    seen.add(match[0].toLowerCase());
  }
  return seen.size;
}

/** Evidence for each specialised domain: Σ weight × distinct matches (capped) over its rules. */
export function scoreDomains(text: string): Record<SpecialDomain, number> {
  const scores = Object.fromEntries(DOMAIN_TIE_ORDER.map((domain) => [domain, 0])) as Record<SpecialDomain, number>;
  for (const rule of RULES) scores[rule.domain] += rule.weight * distinctHits(rule.pattern, text);
  return scores;
}

/** The domain with the most evidence; ties by DOMAIN_TIE_ORDER; `general` below MIN_DOMAIN_SCORE. */
export function detectDomain(text: string): Domain {
  const scores = scoreDomains(text);
  let best: Domain = "general";
  let bestScore = MIN_DOMAIN_SCORE - 1;
  for (const domain of DOMAIN_TIE_ORDER) {
    if (scores[domain] > bestScore) {
      best = domain;
      bestScore = scores[domain];
    }
  }
  return best;
}
