import type { DarajaContext } from "../context.js";
import { stkPassword } from "../credentials.js";
import { MERCHANT_DOES_NOT_EXIST, merchantError, WRONG_CREDENTIALS } from "../errors.js";
import type { ResolvedShortcode } from "../options.js";

/**
 * The shortcode must be configured (else 500 "Merchant does not exist") and `Password` must equal
 * base64(shortcode + passkey + Timestamp) (else 500 "Wrong credentials"), both `500.001.1001`.
 */
export function authenticateMerchant(
  ctx: DarajaContext,
  businessShortCode: string,
  password: string,
  timestamp: string,
): ResolvedShortcode {
  const shortcode = ctx.shortcode(businessShortCode);
  if (shortcode === undefined) throw merchantError(MERCHANT_DOES_NOT_EXIST);
  if (password !== stkPassword(shortcode.shortcode, shortcode.passkey, timestamp)) {
    throw merchantError(WRONG_CREDENTIALS);
  }
  return shortcode;
}
