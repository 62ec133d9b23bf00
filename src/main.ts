#!/usr/bin/env node
/**
 * `duka start [all|web|worker|<channel>]`: the one entry point. Configuration errors end the
 * process with one line that names the variable; SIGTERM/SIGINT shut down gracefully.
 */
import { existsSync } from "node:fs";
import { createDuka, ROLES, type Role } from "./app.js";
import { setupGuide } from "./cli/setup-guide.js";
import { loadConfig } from "./config/index.js";
import { ConfigError } from "./domain/errors.js";
import { configureTestHooks } from "./faults.js";
import { createLogger, isPrettyFormat } from "./log/index.js";

const USAGE = `Usage: duka start [${ROLES.join("|")}]`;

async function main(argv: readonly string[]): Promise<number> {
  const [command = "start", roleArgument = "all"] = argv;
  if (command !== "start" || !ROLES.includes(roleArgument as Role)) {
    console.error(USAGE);
    return 2;
  }
  // A .env file where Duka starts fills in what the environment leaves unset, as compose does.
  if (existsSync(".env")) {
    try {
      process.loadEnvFile(".env");
    } catch (error) {
      console.error(
        `Cannot read .env here (${error instanceof Error ? error.message : error}): fix or remove it`,
      );
      return 1;
    }
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
    configureTestHooks(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const role = roleArgument as Role;
  // A person at a terminal gets plain words first and readable logs; a collector gets JSON only.
  const pretty = isPrettyFormat(config.log.format, process.stdout.isTTY === true);
  if (pretty) process.stdout.write(`${setupGuide(config, role).join("\n")}\n\n`);
  const logger = createLogger({ level: config.log.level, pretty });
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  const duka = await createDuka({ config, role, logger });
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
