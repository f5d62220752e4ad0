#!/usr/bin/env node
import { loadConfig } from "@switchyard/config";
import { ApiKeyStore, createRedis, waitForRedis } from "@switchyard/queue";
import { KEYS_COMMANDS, KEYS_USAGE, runKeysCommand, UsageError, type CommandOutput } from "./keys-command.js";

/**
 * The operator's command line: `switchyard-keys <command>` (the package's bin) or `node apps/api/dist/cli/main.js keys
 * <command>`. It talks to Redis directly, so it works with no API running and needs no admin key: whoever can reach
 * Redis owns the installation anyway.
 */
async function main(argv: string[]): Promise<number> {
  const output: CommandOutput = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };
  const args = argv[0] === "keys" ? argv.slice(1) : argv;
  if (args.length === 0 || args[0] === "help" || args.includes("--help") || args.includes("-h")) {
    output.out(KEYS_USAGE);
    return args.length === 0 ? 2 : 0;
  }
  if (!KEYS_COMMANDS.includes(args[0]!)) throw new UsageError(`unknown command ${args[0]}`);
  const config = loadConfig();
  const redis = createRedis(config.redis.url, "producer", "switchyard-cli");
  redis.on("error", () => undefined);
  try {
    await waitForRedis(redis, 5_000).catch(() => {
      throw new Error(`cannot reach Redis at ${config.redis.url.replace(/\/\/[^@/]*@/, "//***@")}`);
    });
    return await runKeysCommand(args, new ApiKeyStore(redis, config.redis.prefix), output);
  } finally {
    redis.disconnect();
  }
}

function isUsageError(error: unknown): boolean {
  // node:util's parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown or malformed options.
  return error instanceof UsageError || (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS"));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isUsageError(error)) process.stderr.write(`${(error as Error).message}\n\n${KEYS_USAGE}\n`);
    else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(isUsageError(error) ? 2 : 1);
  },
);
