import { createLogger } from "@switchyard/logging";
import { readStartOptions, type SimStartOptions } from "./start-options.js";
import { startProviderSim } from "./start-provider-sim.js";

const logger = createLogger({ service: "provider-sim" });

function startOptionsOrExit(): SimStartOptions {
  try {
    return readStartOptions(process.argv.slice(2), process.env);
  } catch (error) {
    logger.fatal({ err: error }, "provider-sim could not start");
    process.exit(1);
  }
}

const sim = await startProviderSim({ ...startOptionsOrExit(), logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, "provider-sim could not listen"); // EADDRINUSE, mostly
  process.exit(1);
});
// A plain line as well as the JSON log: scripts and tests wait for it, whatever LOG_LEVEL says.
process.stdout.write(`provider-sim listening on ${sim.url}\n`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "provider-sim stopping");
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "provider-sim did not close cleanly");
        process.exit(1);
      },
    );
  });
}
