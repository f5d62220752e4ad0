import type { ChatMessage, ChatRequest } from "@switchyard/contracts";
import { estimateInputTokens } from "@switchyard/routing";

export interface ContextBudget {
  contextWindowTokens: number;
  /** Tokens kept free for the answer: the request's max_tokens, else the deployment's default. */
  outputTokens: number;
}

export interface Truncation {
  droppedMessages: number;
  inputTokensBefore: number;
  inputTokensAfter: number;
}

export type FitOutcome =
  | { kind: "fits"; request: ChatRequest; inputTokens: number }
  | { kind: "truncated"; request: ChatRequest; truncation: Truncation }
  | { kind: "too_large"; inputTokens: number; budgetTokens: number; minimumTokens: number };

function isInstruction(message: ChatMessage): boolean {
  return message.role === "system" || message.role === "developer";
}

/**
 * Splits the conversation into turns: a user message and everything after it up to the next user message
 * (assistant replies, tool calls and their results). Dropping whole turns never orphans a tool result.
 */
function turnsOf(messages: ChatMessage[]): ChatMessage[][] {
  const turns: ChatMessage[][] = [];
  for (const message of messages) {
    const current = turns.at(-1);
    if (message.role === "user" || !current) turns.push([message]);
    else current.push(message);
  }
  return turns;
}

/**
 * Makes a request fit a context window by the documented policy: keep every system/developer message and
 * the newest turns, drop whole oldest turns. When even the instructions plus the newest turn do not fit,
 * says so instead of sending a request the provider will refuse.
 */
export function fitContextWindow(request: ChatRequest, budget: ContextBudget): FitOutcome {
  const budgetTokens = budget.contextWindowTokens - budget.outputTokens;
  const inputTokens = estimateInputTokens(request.messages);
  if (inputTokens <= budgetTokens) return { kind: "fits", request, inputTokens };

  const instructions = request.messages.filter(isInstruction);
  const turns = turnsOf(request.messages.filter((message) => !isInstruction(message)));
  // Keep as many of the newest turns as fit, newest first.
  let kept: ChatMessage[][] = [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const candidate = [turns[index] as ChatMessage[], ...kept];
    if (estimateInputTokens([...instructions, ...candidate.flat()]) > budgetTokens) break;
    kept = candidate;
  }
  if (kept.length === 0) {
    const newest = turns.at(-1) ?? [];
    return { kind: "too_large", inputTokens, budgetTokens, minimumTokens: estimateInputTokens([...instructions, ...newest]) };
  }
  const keptMessages = new Set(kept.flat());
  // Preserve the original order (instructions stay where they were relative to the kept turns).
  const messages = request.messages.filter((message) => isInstruction(message) || keptMessages.has(message));
  return {
    kind: "truncated",
    request: { ...request, messages },
    truncation: {
      droppedMessages: request.messages.length - messages.length,
      inputTokensBefore: inputTokens,
      inputTokensAfter: estimateInputTokens(messages),
    },
  };
}
