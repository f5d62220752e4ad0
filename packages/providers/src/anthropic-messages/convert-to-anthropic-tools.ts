import type { ToolChoice, ToolDefinition } from "@switchyard/contracts";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-request-schema.js";

/** Anthropic requires an `input_schema`; a function declared without parameters takes none. */
const NO_PARAMETERS = { type: "object", properties: {} };

/**
 * OpenAI function tools → Anthropic client tools. `strict` is dropped: Anthropic (2023-06-01, no betas) has
 * no strict schema mode, and the model still follows the schema it is given.
 */
export function convertToAnthropicTools(tools: ToolDefinition[]): AnthropicTool[] {
  return tools.map(({ function: declared }) => ({
    name: declared.name,
    ...(declared.description === undefined ? {} : { description: declared.description }),
    input_schema: declared.parameters ?? NO_PARAMETERS,
  }));
}

/** OpenAI's `tool_choice` → Anthropic's: `required` is `any`, a named function is `tool`. */
export function convertToAnthropicToolChoice(toolChoice: ToolChoice): AnthropicToolChoice {
  switch (toolChoice) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any" };
    default:
      return { type: "tool", name: toolChoice.function.name };
  }
}
