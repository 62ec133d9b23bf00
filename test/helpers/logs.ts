import { Writable } from "node:stream";
import { createLogger, type LogLevel } from "../../src/log/index.js";

/** A real logger whose JSON lines are kept for the test to read, or to wait for. */
export function captureLogs(level: LogLevel = "debug") {
  let text = "";
  const waiters: { needle: string; resolve: () => void }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      for (const waiter of waiters.filter(({ needle }) => text.includes(needle))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      done();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    text: () => text,
    /** Every line so far, parsed. */
    entries: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    /** Resolves once the logs contain `needle`. */
    contains: (needle: string) =>
      new Promise<void>((resolve) => (text.includes(needle) ? resolve() : waiters.push({ needle, resolve }))),
  };
}
