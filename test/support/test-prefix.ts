import { randomBytes } from "node:crypto";

/** A fresh Redis Cluster hash-tag prefix, so tests sharing one Redis never see each other's keys. */
export function testPrefix(): string {
  return `{t${randomBytes(5).toString("hex")}}`;
}
