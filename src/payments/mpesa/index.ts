/** The M-Pesa (Safaricom Daraja, STK Push) payment plugin. */
export { isCallbackTokenValid, parseStkCallback, stkCallbackSchema } from "./callback.js";
export {
  FORBIDDEN_CALLBACK_WORDS,
  generateCallbackToken,
  type MpesaConfig,
  mpesaConfigSchema,
} from "./config.js";
export { createMpesaPlugin, type MpesaPluginOptions, mpesaPlugin } from "./plugin.js";
export {
  RESULT_CODES,
  type ResultCodeMeaning,
  toResultMeaning,
  UNKNOWN_RESULT_REASON,
} from "./result-codes.js";
export { toKenyaTimestamp, toStkPassword } from "./stk.js";
