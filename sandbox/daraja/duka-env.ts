/**
 * The Duka variables that point its M-Pesa plugins at an emulator: the demo and the tests start
 * shops on them instead of spelling the same variables out each time.
 */
import {
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "./options.js";

/** STK Push (the `mpesa` plugin) on the sandbox shortcode and passkey. */
export function stkPushEnv(emulator: { readonly baseUrl: string }): Record<string, string> {
  return {
    MPESA_CONSUMER_KEY: DEFAULT_CONSUMER_KEY,
    MPESA_CONSUMER_SECRET: DEFAULT_CONSUMER_SECRET,
    MPESA_SHORTCODE: SANDBOX_SHORTCODE,
    MPESA_PASSKEY: SANDBOX_PASSKEY,
    MPESA_BASE_URL: emulator.baseUrl,
  };
}

/** Paybill/Till (the `mpesa-c2b` plugin), its URLs registered at start; the sandbox shortcode unless given. */
export function c2bEnv(
  emulator: { readonly baseUrl: string },
  shortcode: string = SANDBOX_SHORTCODE,
): Record<string, string> {
  return {
    MPESA_C2B_CONSUMER_KEY: DEFAULT_CONSUMER_KEY,
    MPESA_C2B_CONSUMER_SECRET: DEFAULT_CONSUMER_SECRET,
    MPESA_C2B_SHORTCODE: shortcode,
    MPESA_C2B_BASE_URL: emulator.baseUrl,
    MPESA_C2B_REGISTER_ON_START: "true",
  };
}
