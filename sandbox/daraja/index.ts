/**
 * Local Safaricom Daraja (M-Pesa Express / STK Push) emulator for tests and the offline demo. The
 * client side speaks HTTP like https://sandbox.safaricom.co.ke (point the M-Pesa client's base URL at
 * `emulator.baseUrl`); the shopper side is an in-process API (`nextPush`, `complete`). See README.md
 * for what is emulated and where it deviates from Daraja.
 */

export type { WaitOptions } from "../shared/wait.js";
export { ALREADY_REGISTERED } from "./api/c2b.js";
export {
  PULL_ALREADY_REGISTERED,
  PULL_NOT_REGISTERED,
  PULL_PAGE_SIZE,
  PULL_WINDOW_MS,
} from "./api/pull-transactions.js";
export { shownMsisdn } from "./c2b/payload.js";
export type {
  C2bDelivery,
  C2bPayment,
  C2bPayOptions,
  C2bPullRegistration,
  C2bRegistration,
  PayBillOptions,
  PayTillOptions,
} from "./c2b/types.js";
export { basicAuthorization, stkPassword } from "./credentials.js";
export { c2bEnv, stkPushEnv } from "./duka-env.js";
export {
  createDarajaEmulator,
  DarajaEmulator,
  type NextPushOptions,
  type PushFilter,
  toMsisdn,
} from "./emulator.js";
export {
  BEING_PROCESSED,
  DarajaApiError,
  DarajaEmulatorError,
  type DarajaEmulatorErrorCode,
  MERCHANT_DOES_NOT_EXIST,
  SUBSCRIBER_LOCKED,
  WRONG_CREDENTIALS,
} from "./errors.js";
export { DARAJA_PATHS } from "./http/routes.js";
export {
  type AutoComplete,
  type DarajaEmulatorOptions,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  defaultDarajaEmulatorOptions,
  type ResolvedShortcode,
  SANDBOX_MSISDN,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "./options.js";
export { RESULT_DESCRIPTIONS, resultDescFor, UNKNOWN_RESULT_DESC } from "./result-codes.js";
export { parseDarajaTimestamp, toDarajaTimestamp } from "./time.js";
export type {
  CallbackDelivery,
  CallbackDeliveryMode,
  CallbackDeliveryOptions,
  DarajaApp,
  DarajaCallRecord,
  DarajaEmulatorEvents,
  DarajaFault,
  DarajaShortcode,
  StkCallbackBody,
  StkCallbackItem,
  StkOutcome,
  StkPush,
  StkPushStatus,
  StkResult,
  TransactionType,
} from "./types.js";
export { FORBIDDEN_CALLBACK_WORDS } from "./validation/fields.js";
export { ACCOUNT_REFERENCE_MAX, TRANSACTION_DESC_MAX } from "./validation/stk-push.js";
