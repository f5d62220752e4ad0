export * from "./config-schema.js";
export * from "./interpolate-env.js";
export * from "./load-config.js";
export * from "./resilience-schema.js";
export * from "./balancing-schema.js";
