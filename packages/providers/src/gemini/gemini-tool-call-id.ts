/**
 * Gemini's function calls have no id, and canonical tool calls need one that tool messages answer. In a Gemini
 * request, calls are numbered through the whole conversation (`call_0`, `call_1`, ...), which is deterministic and
 * unique within it. In an answer, the provider's response id is folded in (`call_<responseId>_<n>`): a conversation
 * collects answers from many calls, and some providers (Anthropic) refuse a history in which two calls share an id. An answer without a response id gets a random one.
 */
export function geminiToolCallId(index: number, responseId?: string): string {
  return responseId === undefined || responseId === "" ? `call_${index}` : `call_${responseId}_${index}`;
}
