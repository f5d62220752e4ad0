export * from "./fit-context-window.js";
export * from "./apply-adjustments.js";
