/**
 * A generation request in the simulator's own terms, whatever wire format it arrived in. Each format
 * converts its body to a `SimTurn`; everything provider-neutral (faults, limits, replies) works on this.
 */
export interface SimTurn {
  model: string;
  /** Text of the last user message: the reply is about it, and the tool and content-filter rules read it. */
  lastUserText: string;
  /** The conversation ends with a user message carrying text (not a tool result): the tool rule may fire. */
  endsWithUserText: boolean;
  promptTokens: number;
  /** The output cap the request asked for (per choice); `undefined` when it set none. */
  maxOutputTokens: number | undefined;
  stop: readonly string[] | undefined;
  choiceCount: number;
  tools: readonly SimTool[];
  toolChoice: ToolChoice;
  stream: boolean;
}

export interface SimTool {
  name: string;
  /** A JSON Schema (or Gemini's OpenAPI subset) for the tool's arguments. */
  inputSchema: unknown;
}

export type ToolChoice = { mode: "auto" } | { mode: "none" } | { mode: "any" } | { mode: "tool"; name: string };

/** What one choice of the answer is, before a format renders it. */
export type SimReply =
  | {
      kind: "text";
      text: string;
      outputTokens: number;
      finish: "stop" | "length" | "stop_sequence";
      stopSequence: string | null;
    }
  | { kind: "tool_call"; name: string; input: Record<string, unknown>; argumentsJson: string; outputTokens: number }
  | { kind: "filtered"; outputTokens: 0 };
