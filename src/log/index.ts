export {
  createLogger,
  isPrettyFormat,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  REDACTED,
  REDACTED_KEYS,
  redactPaths,
} from "./logger.js";
export { maskJson, maskPhone, maskSecret, maskSensitive, maskUrlCredentials } from "./mask.js";
