import type { SimTool, SimTurn } from "./sim-turn.js";

/**
 * The simulator's deterministic tool rule. With `auto` (the default), a tool is called when the conversation
 * ends with a user message whose text mentions the tool's name (case-insensitive substring; the first declared
 * tool that matches wins). A forced choice (`any`/`required`, or one named tool) always calls: the matching
 * tool, else the named one, else the first. `none` never calls.
 */
export function chooseTool(turn: SimTurn): SimTool | undefined {
  const { tools, toolChoice } = turn;
  if (tools.length === 0 || toolChoice.mode === "none") return undefined;
  if (toolChoice.mode === "tool") return tools.find((tool) => tool.name === toolChoice.name) ?? tools[0];
  const mentioned = turn.endsWithUserText ? mentionedTool(tools, turn.lastUserText) : undefined;
  if (toolChoice.mode === "any") return mentioned ?? tools[0];
  return mentioned;
}

function mentionedTool(tools: readonly SimTool[], text: string): SimTool | undefined {
  const lower = text.toLowerCase();
  return tools.find((tool) => tool.name !== "" && lower.includes(tool.name.toLowerCase()));
}
