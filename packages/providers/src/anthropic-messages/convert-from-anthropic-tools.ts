import type { ToolChoice, ToolDefinition } from "@switchyard/contracts";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-request-schema.js";

/** Anthropic client tools → OpenAI function tools, the inverse of `convertToAnthropicTools`. */
export function convertFromAnthropicTools(tools: AnthropicTool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    },
  }));
}

/** Anthropic's `tool_choice` → OpenAI's: `any` is `required`, `tool` names a function. */
export function convertFromAnthropicToolChoice(toolChoice: AnthropicToolChoice): ToolChoice {
  switch (toolChoice.type) {
    case "auto":
      return "auto";
    case "none":
      return "none";
    case "any":
      return "required";
    case "tool":
      return { type: "function", function: { name: toolChoice.name } };
  }
}
