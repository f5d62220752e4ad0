export * from "./free-port.js";
export * from "./embedded-redis.js";
