import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** Telegram keeps undelivered updates for 24 hours, so that is how long an id must be remembered. */
const REMEMBER_SECONDS = 24 * 3600;

export interface InboundDedupe {
  /** True the first time an inbound id is seen across all processes. */
  firstTime(inputId: string): Promise<boolean>;
}

export function createInboundDedupe(redis: Redis, keyPrefix: string, logger: Logger): InboundDedupe {
  return {
    async firstTime(inputId) {
      try {
        return (await redis.set(`${keyPrefix}:seen:${inputId}`, "1", "EX", REMEMBER_SECONDS, "NX")) === "OK";
      } catch (error) {
        // Without Redis we cannot tell; answering twice beats dropping a shopper's message.
        logger.warn({ err: error, inputId }, "inbound dedupe unavailable; processing anyway");
        return true;
      }
    },
  };
}
