#!/usr/bin/env node
// The README's two commands land here: `npm start` / `pnpm start` and `npm test` / `pnpm test`.
// On a machine that has only Node it brings in the pinned pnpm, installs, builds, then starts the stack
// or runs every test. Plain JavaScript on purpose: it runs before anything is installed or built.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager; // "pnpm@12.4.2"
const pinnedVersion = pinned.split("@")[1];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args) {
  const status = run(command, args);
  if (status !== 0) process.exit(status);
}

/** The pinned pnpm: the one on PATH if its version matches, otherwise fetched through npm exec. */
function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
  if (probe.status === 0 && probe.stdout.trim() === pinnedVersion) return ["pnpm", []];
  return ["npm", ["exec", "--yes", `--package=${pinned}`, "--", "pnpm"]];
}

const [pnpm, pnpmPrefix] = pnpmCommand();
const pn = (...args) => must(pnpm, [...pnpmPrefix, ...args]);

const task = process.argv[2];
const extra = process.argv.slice(3);
pn("install", "--frozen-lockfile");
pn("run", "build");

switch (task) {
  case "start":
    process.exitCode = run(process.execPath, [join(root, "apps/stack/dist/main.js"), ...extra]);
    break;
  case "test":
    pn("run", "check:deps");
    pn("exec", "tsc", "-p", "tsconfig.json");
    process.exitCode = run(pnpm, [...pnpmPrefix, "exec", "vitest", "run", ...extra]);
    break;
  case "bench":
    process.exitCode = run(process.execPath, [join(root, "bench/dist/main.js"), ...extra]);
    break;
  default:
    console.error(`usage: node scripts/run.mjs start|test|bench [args...]`);
    process.exitCode = 2;
}
