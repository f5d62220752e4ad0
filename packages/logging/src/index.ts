export * from "./create-logger.js";
export * from "./redact-log-object.js";
export * from "./secret-patterns.js";
