export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  REDACTED,
  REDACTED_KEYS,
  redactPaths,
} from "./logger.js";
export { maskJson, maskPhone, maskSecret, maskSensitive, maskUrlCredentials } from "./mask.js";
