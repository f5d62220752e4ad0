/**
 * The architecture, enforced. Dependencies point one way:
 *   contracts ← config ← routing ← transform (pure logic) ;  providers, queue (edges) ← apps
 * logging and embedded-redis are leaf utilities. CI fails on a cycle or on an import that breaks a layer.
 */
const layer = (name) => `^packages/${name}/`;
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves: a package may only use what its own package.json declares.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "packages-never-import-apps",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^(apps|bench|test)/" },
    },
    {
      name: "apps-never-import-other-apps",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/([^/]+)/", pathNot: "^apps/$1/" },
    },
    {
      name: "contracts-is-the-bottom-layer",
      severity: "error",
      from: { path: layer("contracts") },
      to: { path: "^packages/", pathNot: layer("contracts") },
    },
    {
      name: "config-depends-only-on-contracts",
      severity: "error",
      from: { path: layer("config") },
      to: { path: "^packages/", pathNot: [layer("config"), layer("contracts")] },
    },
    {
      name: "logic-is-pure",
      comment: "Routing and transformation are functions over data: no Redis, no BullMQ, no HTTP, no edges.",
      severity: "error",
      from: { path: "^packages/(routing|transform)/" },
      to: {
        path: ["^packages/(queue|providers|logging|embedded-redis)/", "node_modules/(bullmq|ioredis|undici|express)/"],
      },
    },
    {
      name: "routing-does-not-know-transform",
      severity: "error",
      from: { path: layer("routing") },
      to: { path: layer("transform") },
    },
    {
      name: "edges-do-not-import-each-other",
      severity: "error",
      from: { path: "^packages/(queue|providers)/" },
      to: { path: "^packages/(queue|providers|routing|transform)/", pathNot: "^packages/$1/" },
    },
    {
      name: "no-deep-imports-across-packages",
      comment: "A package's public API is its index.ts (built to dist/index.js).",
      severity: "error",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { path: "^packages/[^/]+/src/(?!index\\.ts$)", pathNot: "^packages/$2/" },
    },
    {
      name: "leaf-utilities-stay-leaves",
      severity: "error",
      from: { path: "^packages/(logging|embedded-redis)/" },
      to: { path: "^packages/", pathNot: "^packages/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/|node_modules/\\.pnpm/[^/]+/node_modules/(?!@switchyard)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.depcruise.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "types", "default", "node"] },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
