import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure logic and Redis-backed edges, beside the code) and `e2e` (real processes in
// test/). Both share one redis-server started on a free port by the global setup, never the developer's.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          globalSetup: ["test/support/global-redis.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/support/global-redis.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // End-to-end files start whole process trees; on 2 cores they run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
