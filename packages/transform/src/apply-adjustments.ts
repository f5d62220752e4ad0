import type { ChatRequest, Classification } from "@switchyard/contracts";
import type { PromptAdjustment } from "@switchyard/config";

function matches(adjustment: PromptAdjustment, request: ChatRequest, classification: Classification): boolean {
  const when = adjustment.when;
  if (when.domains && !when.domains.includes(classification.domain)) return false;
  if (when.complexities && !when.complexities.includes(classification.complexity)) return false;
  if (when.signals && !when.signals.some((signal) => classification.signals.includes(signal))) return false;
  if (when.structuredOutput !== undefined) {
    const structured = request.response_format !== undefined && request.response_format.type !== "text";
    if (structured !== when.structuredOutput) return false;
  }
  return true;
}

/**
 * Model-specific prompt adjustments, as data from the deployment's config rather than code branches: each
 * matching adjustment appends its text to the system prompt (one is created when there is none).
 */
export function applyAdjustments(
  request: ChatRequest,
  classification: Classification,
  adjustments: readonly PromptAdjustment[],
): { request: ChatRequest; applied: string[] } {
  const matching = adjustments.filter((adjustment) => matches(adjustment, request, classification));
  if (matching.length === 0) return { request, applied: [] };
  const addition = matching.map((adjustment) => adjustment.appendSystem).join("\n");
  const messages = [...request.messages];
  const systemIndex = messages.findIndex((message) => message.role === "system" && typeof message.content === "string");
  const system = systemIndex >= 0 ? messages[systemIndex] : undefined;
  if (system && typeof system.content === "string") {
    messages[systemIndex] = { ...system, content: `${system.content}\n\n${addition}` };
  } else {
    messages.unshift({ role: "system", content: addition });
  }
  return { request: { ...request, messages }, applied: matching.map((adjustment) => adjustment.name) };
}
