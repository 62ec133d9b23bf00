import { z } from "zod";
import type { PayerRequest } from "../../domain/payment-option.js";

/**
 * The addresses Paystack sends webhooks from, test and live alike (providers.md §2.3, from
 * paystack.com/docs/payments/webhooks/#ip-whitelisting). Not a default for `allowedIps`: re-check the
 * live page before relying on it (reliability.md §1.2), and note that behind a proxy the source
 * address is only as good as TRUST_PROXY. The signature is the real check; an allowlist is defence
 * in depth.
 */
export const PAYSTACK_SOURCE_IPS = ["52.31.139.75", "52.49.173.169", "52.214.14.220"] as const;

/** What a synthetic e-mail's local part may be made of once filled. */
const EMAIL = z.email();
const PLACEHOLDER_TOKEN = /\{([^{}]*)\}/g;
const PLACEHOLDER_NAMES = new Set(["chatId", "channel"]);
/** Values that stand in for real ones when checking a placeholder (a WhatsApp id is the longest). */
const SAMPLE = { chatId: "254712345678@c.us", channel: "whatsapp" } as const;
const LOCAL_PART_MAX = 64;
/** Room left in the local part for each filled-in value. */
const VALUE_MAX = 40;

/**
 * A filled-in value made safe for an e-mail local part: anything but letters, digits, `_`, `+` and
 * `-` becomes `-` (`254712345678@c.us` → `254712345678-c-us`, `-100123` stays). Lossy on purpose:
 * two chats could in theory share an address, which only merges them as one customer on the
 * Paystack dashboard; the payment itself is told apart by its reference.
 */
export function toLocalPartValue(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9_+-]/g, "-").slice(0, VALUE_MAX);
  return safe === "" ? "x" : safe;
}

/** The placeholder with `{chatId}` and `{channel}` filled in and sanitized. */
export function fillEmailPlaceholder(
  placeholder: string,
  customer: { readonly chatId: string; readonly channel: string },
): string {
  return placeholder
    .replaceAll("{chatId}", toLocalPartValue(customer.chatId))
    .replaceAll("{channel}", toLocalPartValue(customer.channel));
}

/**
 * An address Paystack will take: a valid e-mail, and not `.local` (Paystack refuses it, providers.md
 * §2.1 via the emulator's notes). Only the syntax: whether anyone reads it is not Paystack's concern.
 */
export function isPaystackEmail(value: string): boolean {
  const [local = ""] = value.split("@");
  return (
    EMAIL.safeParse(value).success &&
    local.length <= LOCAL_PART_MAX &&
    value.length <= 254 &&
    !/\.local$/i.test(value)
  );
}

const emailPlaceholderSchema = z
  .string()
  .trim()
  .superRefine((placeholder, context) => {
    const tokens = [...placeholder.matchAll(PLACEHOLDER_TOKEN)].map((match) => match[1] ?? "");
    const unknown = tokens.filter((token) => !PLACEHOLDER_NAMES.has(token));
    if (unknown.length > 0) {
      context.addIssue({ code: "custom", message: "may contain only {chatId} and {channel}" });
      return;
    }
    if (!tokens.includes("chatId")) {
      context.addIssue({
        code: "custom",
        message: "must contain {chatId}, so each shopper gets their own address (e.g. {chatId}@shop.example)",
      });
      return;
    }
    const at = placeholder.lastIndexOf("@");
    if (at < 0 || placeholder.slice(at).includes("{")) {
      context.addIssue({
        code: "custom",
        message: "must put {chatId} and {channel} before the @ (e.g. {channel}-{chatId}@shop.example)",
      });
      return;
    }
    if (!isPaystackEmail(fillEmailPlaceholder(placeholder, SAMPLE))) {
      context.addIssue({
        code: "custom",
        message:
          "must make a valid e-mail address once filled, with a real domain (not .local), e.g. {chatId}@shop.example",
      });
    }
  });

/**
 * One Paystack integration (a merchant account, test or live). The secret key both authenticates
 * API calls and signs webhooks (there is no separate webhook secret, providers.md §2.3); it is
 * stored encrypted by the registry and never logged.
 */
export const paystackConfigSchema = z
  .strictObject({
    /** `sk_test_…` or `sk_live_…` (Dashboard → Settings → API Keys & Webhooks). */
    secretKey: z
      .string()
      .trim()
      .regex(/^sk_(test|live)_\w+$/, "secretKey must be a Paystack secret key (sk_test_… or sk_live_…)")
      .meta({ secret: true, perMode: true }),
    /**
     * The secret key before a rotation. Paystack signs each delivery with the key current when it was
     * sent and retries for 72 hours, so webhooks signed with the old key still arrive after the new one
     * is saved: they are accepted until `previousSecretKeyUntil`. API calls always use `secretKey`.
     */
    previousSecretKey: z
      .string()
      .trim()
      .regex(
        /^sk_(test|live)_\w+$/,
        "previousSecretKey must be a Paystack secret key (sk_test_… or sk_live_…)",
      )
      .optional()
      .meta({ secret: true, perMode: true }),
    /** When webhooks signed with `previousSecretKey` stop being accepted (ISO 8601 with an offset). */
    previousSecretKeyUntil: z.iso
      .datetime({
        offset: true,
        error: "previousSecretKeyUntil must be a date and time like 2026-05-01T12:00:00Z",
      })
      .optional()
      .meta({ perMode: true }),
    /** `pk_test_…` or `pk_live_…`. Not used by the server; kept so operators see which account this is. */
    publicKey: z
      .string()
      .trim()
      .regex(/^pk_(test|live)_\w+$/, "publicKey must be a Paystack public key (pk_test_… or pk_live_…)")
      .optional()
      .meta({ perMode: true }),
    /** Default: https://api.paystack.co (the same for test and live; the key decides). */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ""))
      .default("https://api.paystack.co")
      .meta({ perMode: true }),
    /**
     * A synthetic shopper e-mail, e.g. `{chatId}@shop.example` or `{channel}-{chatId}@shop.example`.
     * Paystack requires an e-mail for every transaction; when this is set, shoppers are not asked for
     * one (the e-mail is `optional`) and `{chatId}`/`{channel}` are filled from the chat. Unset: the
     * dialogue asks the shopper. Use a domain you own: Paystack may send receipts there.
     */
    emailPlaceholder: emailPlaceholderSchema.optional(),
    /**
     * Where Paystack sends the shopper's browser after paying (`?reference=…&trxref=…` appended).
     * Default: the dashboard's callback URL. Only a courtesy page: payments are settled from
     * webhooks and verify, never from this redirect.
     */
    callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * Where webhooks may come from. Unset: any address (the HMAC signature is the real check).
     * Paystack's published addresses are `PAYSTACK_SOURCE_IPS`: 52.31.139.75, 52.49.173.169,
     * 52.214.14.220.
     */
    allowedIps: z
      .array(z.union([z.ipv4(), z.ipv6()]))
      .max(64)
      .optional(),
  })
  .refine((config) => config.previousSecretKey === undefined || config.previousSecretKeyUntil !== undefined, {
    path: ["previousSecretKeyUntil"],
    message:
      "previousSecretKeyUntil is required with previousSecretKey: until when may old signatures arrive?",
  });

export type PaystackConfig = z.output<typeof paystackConfigSchema>;

/**
 * Every transaction carries the shopper's e-mail address when it is known; they are asked for
 * one only when no placeholder makes one up (non-secret config).
 */
export function paystackPayer(config: Readonly<Record<string, unknown>>): PayerRequest {
  const hasPlaceholder = typeof config.emailPlaceholder === "string" && config.emailPlaceholder.trim() !== "";
  return {
    field: "email",
    prompt: "Paying by card needs an e-mail address for the receipt. What is yours?",
    ...(hasPlaceholder ? { optional: true } : {}),
  };
}
