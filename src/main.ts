#!/usr/bin/env node
/**
 * `duka start [all|web|worker|telegram]`: the one entry point. Configuration errors end the
 * process with one line that names the variable; SIGTERM/SIGINT shut down gracefully.
 */
import { createDuka, ROLES, type Role } from "./app.js";
import { loadConfig } from "./config/index.js";
import { ConfigError } from "./domain/errors.js";
import { createLogger } from "./log/index.js";

const USAGE = `Usage: duka start [${ROLES.join("|")}]`;

async function main(argv: readonly string[]): Promise<number> {
  const [command = "start", roleArgument = "all"] = argv;
  if (command !== "start" || !ROLES.includes(roleArgument as Role)) {
    console.error(USAGE);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level });
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  const duka = await createDuka({ config, role: roleArgument as Role, logger });
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    logger.info({ signal }, "shutting down");
    duka.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await duka.start();
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
