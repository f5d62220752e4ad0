import { generateCompletionText } from "../completion-text.js";
import { countTextTokens } from "../token-count.js";
import { chooseTool } from "./choose-tool.js";
import { exampleArguments } from "./tool-arguments.js";
import type { SimReply, SimTurn } from "./sim-turn.js";

/** Framing a provider adds around a tool call's name and arguments. */
const TOOL_CALL_OVERHEAD_TOKENS = 8;

/** One reply per choice: filtered when the content filter matches, a tool call by the tool rule, else text. */
export function planReplies(turn: SimTurn, contentFilterPhrase: string | undefined): SimReply[] {
  if (contentFilterPhrase !== undefined && matchesFilter(turn.lastUserText, contentFilterPhrase)) {
    return [{ kind: "filtered", outputTokens: 0 }];
  }
  const tool = chooseTool(turn);
  const replies: SimReply[] = [];
  for (let index = 0; index < turn.choiceCount; index++) {
    if (tool) {
      const input = exampleArguments(tool.inputSchema, turn.lastUserText);
      const argumentsJson = JSON.stringify(input);
      const outputTokens = TOOL_CALL_OVERHEAD_TOKENS + countTextTokens(tool.name) + countTextTokens(argumentsJson);
      replies.push({ kind: "tool_call", name: tool.name, input, argumentsJson, outputTokens });
      continue;
    }
    const text = generateCompletionText({
      model: turn.model,
      prompt: turn.lastUserText,
      choiceIndex: index,
      maxTokens: turn.maxOutputTokens,
      stop: turn.stop,
    });
    replies.push({
      kind: "text",
      text: text.content,
      outputTokens: text.completionTokens,
      finish: text.finishReason === "length" ? "length" : text.stopSequence !== undefined ? "stop_sequence" : "stop",
      stopSequence: text.stopSequence ?? null,
    });
  }
  return replies;
}

export function matchesFilter(text: string, phrase: string): boolean {
  return text.toLowerCase().includes(phrase.toLowerCase());
}

export function totalOutputTokens(replies: readonly SimReply[]): number {
  let total = 0;
  for (const reply of replies) total += reply.outputTokens;
  return total;
}
