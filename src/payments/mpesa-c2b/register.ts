import type { DarajaClient } from "../mpesa/client.js";
import { UNAVAILABLE } from "../mpesa/errors.js";
import { ProviderError } from "../plugin.js";
import type { C2bConfig } from "./config.js";
import { callbackUrls } from "./urls.js";

export const registerUrlPath = (version: C2bConfig["apiVersion"]) => `/mpesa/c2b/${version}/registerurl`;

/** Production registers once: a repeat is refused with this code, and the URLs stay as they were. */
const ALREADY_REGISTERED = /already registered/i;

/**
 * Tells Daraja where to post validations and confirmations for the shortcode (providers-2.md §3.2).
 * A refusal is a ProviderError naming Daraja's code and message (never a key or token).
 */
export async function registerC2bUrls(
  client: DarajaClient,
  config: C2bConfig,
  webhookUrl: string,
): Promise<{ message: string }> {
  const urls = callbackUrls(webhookUrl);
  const answer = await client.post(
    registerUrlPath(config.apiVersion),
    {
      ShortCode: config.shortcode,
      ResponseType: config.responseType,
      ConfirmationURL: urls.confirmation,
      ValidationURL: urls.validation,
    },
    "C2B Register URL",
  );
  if (answer.ok) {
    const body = (answer.json ?? {}) as Record<string, unknown>;
    const description = typeof body.ResponseDescription === "string" ? body.ResponseDescription : "Success";
    return { message: `Daraja registered the URLs for ${config.shortcode}: ${description}` };
  }
  const { error, status } = answer.failure;
  if (error && ALREADY_REGISTERED.test(error.errorMessage)) {
    return {
      message: `Daraja already has URLs for ${config.shortcode} (${error.errorCode}); to change them, delete them under Self Services → URL Management and register again`,
    };
  }
  throw new ProviderError(
    "unavailable",
    `Daraja refused the C2B URL registration for ${config.shortcode}: HTTP ${status} ${error?.errorCode ?? ""} ${error?.errorMessage ?? ""}`.trim(),
    {
      retryable: status >= 500,
      shopperMessage: UNAVAILABLE,
      ...(error ? { providerCode: error.errorCode } : {}),
    },
  );
}
