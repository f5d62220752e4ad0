export * from "./key-names.js";
export * from "./lua-scripts.js";
export * from "./redis-connection.js";
export * from "./request-store.js";
export * from "./request-events.js";
export * from "./queue-registry.js";
export * from "./rate-limit-store.js";
