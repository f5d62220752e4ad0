import { configDefaults, defineConfig } from "vitest/config";

// Three projects: `unit` (pure logic and Redis-backed edges, beside the code), `e2e` (real processes in
// test/) and `chaos` (test/chaos: whole fleets under load while workers, Redis and providers fail). `unit` and
// `e2e` share one redis-server started on a free port by the global setup, never the developer's; each chaos
// file starts its own, since some of them crash and restart it.
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
          exclude: [...configDefaults.exclude, "test/chaos/**"],
          globalSetup: ["test/support/global-redis.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // End-to-end files start whole process trees; on 2 cores they run one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "chaos",
          include: ["test/chaos/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // After unit and e2e, alone: chaos runs load the machine and measure what the fleet does under it.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
