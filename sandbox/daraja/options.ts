import { z } from "zod";
import type { DarajaApp, DarajaShortcode, StkOutcome, StkPush, TransactionType } from "./types.js";

/** Shortcode of the Daraja sandbox, used as both BusinessShortCode and PartyB (providers.md §1.7). */
export const SANDBOX_SHORTCODE = "174379";
/** The sandbox passkey for 174379 (the one inside the official sample password). */
export const SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
/** The test MSISDN used throughout Daraja's samples. */
export const SANDBOX_MSISDN = "254708374149";
/** The default app's pair. Real pairs are per app; these only open this emulator. */
export const DEFAULT_CONSUMER_KEY = "dukaEmulatorConsumerKey0123456789";
export const DEFAULT_CONSUMER_SECRET = "dukaEmulatorSecret01";

export type AutoComplete = StkOutcome | ((push: StkPush) => StkOutcome | undefined);

export interface DarajaEmulatorOptions {
  /** TCP port; 0 picks a free one. Default: 0. */
  readonly port?: number;
  /** Interface to listen on. Default: "127.0.0.1". */
  readonly host?: string;
  /** Apps whose key/secret buy tokens. Default: one app with DEFAULT_CONSUMER_KEY/SECRET. */
  readonly apps?: readonly DarajaApp[];
  /** Known shortcodes. Default: the sandbox 174379 (Paybill) with SANDBOX_PASSKEY. */
  readonly shortcodes?: readonly DarajaShortcode[];
  /** Token lifetime and the `expires_in` value. Default: 3599. */
  readonly tokenTtlSeconds?: number;
  /**
   * JSON type of `expires_in`: the doc sample has a number, some clients see a string. Default:
   * "string" (the stricter case for a client that does arithmetic on it).
   */
  readonly expiresInType?: "string" | "number";
  /**
   * How far a `Timestamp` may be from the emulator's clock (read as Kenya time) before it is refused
   * with "Invalid Timestamp"; null accepts any valid date-time. Default: 1 hour.
   */
  readonly timestampToleranceMs?: number | null;
  /** "Now" in epoch ms for token expiry, Timestamp checks, ids and TransactionDate. Default: Date.now. */
  readonly clock?: () => number;
  /** Delay before a callback POST when `complete()` names none. Default: 0. */
  readonly callbackDelayMs?: number;
  /** Per-POST timeout of a callback. Default: 10 000 ms. */
  readonly callbackTimeoutMs?: number;
  /** Put `{ "Name": "Balance" }` (no Value) in success metadata, as older real payloads do. Default: true. */
  readonly includeBalanceItem?: boolean;
  /**
   * Every new push answers this many Queries with "The transaction is being processed" whatever its
   * state (reliability test R18 uses 2). `queryPendingFor()` changes it per push. Default: 0.
   */
  readonly queryPendingFirst?: number;
  /**
   * Outcome applied automatically `autoCompleteMs` after each push is accepted (for the demo), unless
   * a test completes it first. A function may choose per push, or return undefined to leave it pending.
   * Default: none (pushes wait for `complete()`).
   */
  readonly autoComplete?: AutoComplete;
  /** Default: 1000 ms. */
  readonly autoCompleteMs?: number;
  /** C2B: how long a validation answer is awaited before ResponseType applies (Daraja: ~8 s). Default: 8000. */
  readonly c2bValidationTimeoutMs?: number;
  /** C2B: Register URL refuses a second registration of a shortcode, as production does. Default: false (sandbox). */
  readonly c2bRegisterOnce?: boolean;
}

export const defaultDarajaEmulatorOptions = {
  port: 0,
  host: "127.0.0.1",
  apps: [{ consumerKey: DEFAULT_CONSUMER_KEY, consumerSecret: DEFAULT_CONSUMER_SECRET }],
  shortcodes: [
    { shortcode: SANDBOX_SHORTCODE, passkey: SANDBOX_PASSKEY, transactionType: "CustomerPayBillOnline" },
  ],
  tokenTtlSeconds: 3599,
  expiresInType: "string",
  timestampToleranceMs: 60 * 60 * 1000,
  clock: Date.now,
  callbackDelayMs: 0,
  callbackTimeoutMs: 10_000,
  includeBalanceItem: true,
  queryPendingFirst: 0,
  autoComplete: undefined,
  autoCompleteMs: 1000,
  c2bValidationTimeoutMs: 8000,
  c2bRegisterOnce: false,
} satisfies Omit<Required<DarajaEmulatorOptions>, "autoComplete"> & { autoComplete: undefined };

/** Numeric codes are JSON numbers (as in the callback); strings are for codes like "SFC_IC0003". */
const resultCode = z.union([
  z.number().int(),
  z.string().regex(/^(?!\d+$)[A-Za-z0-9_]+$/, 'a numeric resultCode must be a number (0, not "0")'),
]);

const deliveryShape = {
  delivery: z.enum(["normal", "drop", "duplicate", "late"]).optional(),
  copies: z.number().int().min(2, "copies must be at least 2 (it counts every POST)").optional(),
  delayMs: z.number().min(0).optional(),
};

const copiesOnlyForDuplicate = {
  check: (o: { copies?: number | undefined; delivery?: string | undefined }) =>
    o.copies === undefined || o.delivery === "duplicate",
  message: 'copies only applies to delivery: "duplicate"',
};

/** Validates `redeliver()` options. */
export const deliveryOptionsSchema = z
  .object(deliveryShape)
  .strict()
  .refine(copiesOnlyForDuplicate.check, { message: copiesOnlyForDuplicate.message });

/** Validates what `complete()`/`autoComplete` get, with messages that say how to fix the call. */
export const outcomeSchema = z
  .object({
    resultCode,
    resultDesc: z.string().min(1).optional(),
    amount: z.number().nonnegative().optional(),
    receipt: z.string().min(1).optional(),
    ...deliveryShape,
  })
  .strict()
  .refine((o) => o.resultCode === 0 || (o.amount === undefined && o.receipt === undefined), {
    message: "amount and receipt only exist on a successful payment (resultCode 0)",
  })
  .refine(copiesOnlyForDuplicate.check, { message: copiesOnlyForDuplicate.message });

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === "function";

const schema = z.object({
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1),
  apps: z
    .array(
      z.object({
        consumerKey: z
          .string()
          .min(1)
          .regex(/^[^:]+$/, "consumerKey cannot contain ':' (Basic auth splits on it)"),
        consumerSecret: z.string().min(1),
      }),
    )
    .min(1),
  shortcodes: z
    .array(
      z.object({
        shortcode: z.string().regex(/^\d{5,7}$/, "shortcode must be 5-7 digits"),
        passkey: z.string().min(1),
        transactionType: z.enum(["CustomerPayBillOnline", "CustomerBuyGoodsOnline"]).optional(),
        partyB: z
          .string()
          .regex(/^\d{5,7}$/, "partyB must be 5-7 digits")
          .optional(),
      }),
    )
    .min(1),
  tokenTtlSeconds: z.number().int().positive(),
  expiresInType: z.enum(["string", "number"]),
  timestampToleranceMs: z.number().min(0).nullable(),
  clock: z.custom<() => number>(isFunction, "clock must be a function returning epoch ms"),
  callbackDelayMs: z.number().min(0),
  callbackTimeoutMs: z.number().positive(),
  includeBalanceItem: z.boolean(),
  queryPendingFirst: z.number().int().min(0),
  autoComplete: z
    .union([outcomeSchema, z.custom<(push: StkPush) => StkOutcome | undefined>(isFunction)])
    .optional(),
  autoCompleteMs: z.number().min(0),
  c2bValidationTimeoutMs: z.number().positive(),
  c2bRegisterOnce: z.boolean(),
});

export interface ResolvedShortcode {
  readonly shortcode: string;
  readonly passkey: string;
  readonly transactionType: TransactionType;
  readonly partyB: string;
}

export interface ResolvedDarajaEmulatorOptions
  extends Omit<z.infer<typeof schema>, "shortcodes" | "autoComplete" | "apps"> {
  readonly apps: readonly DarajaApp[];
  readonly shortcodes: readonly ResolvedShortcode[];
  readonly autoComplete: AutoComplete | undefined;
}

export function resolveOptions(options: DarajaEmulatorOptions = {}): ResolvedDarajaEmulatorOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const parsed = schema.parse({ ...defaultDarajaEmulatorOptions, ...defined });
  const seen = new Set<string>();
  for (const { shortcode } of parsed.shortcodes) {
    if (seen.has(shortcode)) throw new Error(`Daraja emulator: shortcode ${shortcode} is configured twice`);
    seen.add(shortcode);
  }
  return {
    ...parsed,
    autoComplete: parsed.autoComplete as AutoComplete | undefined,
    shortcodes: parsed.shortcodes.map((entry) => ({
      shortcode: entry.shortcode,
      passkey: entry.passkey,
      transactionType: entry.transactionType ?? "CustomerPayBillOnline",
      partyB: entry.partyB ?? entry.shortcode,
    })),
  };
}
