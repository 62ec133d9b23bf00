/**
 * The payment provider plugin contract. A plugin is code registered at start-up; a provider
 * instance is data (which plugin, for which tenant, its config and encrypted secrets). Services
 * reach providers only through this contract and the registry, never through a provider's SDK.
 *
 * Config: one zod object schema per plugin. Fields marked `.meta({ secret: true })` are secrets:
 * stored encrypted, decrypted only when the plugin instance is built, never logged or returned.
 * Fields marked `.meta({ perMode: true })` differ between the provider's live and test accounts
 * (keys, webhook secrets, API base URLs, shortcodes): an instance holds one set of them per mode,
 * and `testMode` picks the set every call uses; every other field is shared by both modes.
 */
import type { z } from "zod";
import type { EnvSection } from "../config/env-section.js";
import type { Money } from "../domain/money.js";
import type { ChatAddress, Order } from "../domain/order.js";
import type { Payment, PaymentMethod, PaymentStatus, ShopperAction } from "../domain/payment.js";
import type { PayerDetails, PayerRequest } from "../domain/payment-option.js";

export type { ShopperAction } from "../domain/payment.js";

export interface InitiateRequest {
  readonly payment: Payment;
  readonly order: Order;
  readonly customer: ChatAddress;
  /** What the shopper gave, as the plugin's `payer` asked (normalized by the dialogue). */
  readonly payer: PayerDetails;
}

export interface InitiateResult {
  /**
   * The payment's status after initiating: `pending` (provider), `awaiting_proof` (manual) or
   * `awaiting_delivery` (cash on delivery: the merchant says when it is paid; never reconciled).
   */
  readonly status: Extract<PaymentStatus, "pending" | "awaiting_proof" | "awaiting_delivery">;
  /** The provider's id for this attempt (CheckoutRequestID, Paystack reference). */
  readonly providerRef?: string;
  readonly action: ShopperAction;
}

/** The closed vocabulary every provider's news is normalized into. */
export type ProviderOutcome = "succeeded" | "failed" | "cancelled" | "pending" | "not_handled";

export interface VerifyResult {
  /** `pending`: the provider does not know yet (a prompt still open): ask again later. */
  readonly outcome: ProviderOutcome;
  /** What the provider says was paid; compared with the payment before settling. */
  readonly amount?: Money;
  /** A receipt number the shopper recognizes (M-Pesa receipt). */
  readonly receipt?: string;
  /** Why it failed, in words a shopper understands. */
  readonly reason?: string;
  readonly providerCode?: string;
  /**
   * A failure the payer cannot fix by trying the same way again (the phone cannot show a prompt,
   * the account takes none): the shopper is offered the next way to pay at once.
   */
  readonly retryWontHelp?: boolean;
}

export interface WebhookRequest {
  /** The exact bytes received: signatures are computed over these, never over parsed JSON. */
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly params: Readonly<Record<string, string>>;
  /** The sender's address as the server trusts it (TRUST_PROXY decides), for allowlists. */
  readonly sourceIp?: string;
}

export interface WebhookEvent {
  /** Unique per provider event: the inbox's dedupe key (a redelivery has the same key). */
  readonly eventKey: string;
  readonly outcome: ProviderOutcome;
  /** Our payment id, or the provider reference it was started with. */
  readonly paymentId?: string;
  readonly providerRef?: string;
  readonly amount?: Money;
  /** A receipt number the shopper recognizes (M-Pesa receipt). */
  readonly receipt?: string;
  /** Why it failed, in words a shopper understands. */
  readonly reason?: string;
  /** The provider's own result code, for the record. */
  readonly providerCode?: string;
  /** As VerifyResult.retryWontHelp. */
  readonly retryWontHelp?: boolean;
  /**
   * Money a payer sent unasked (M-Pesa C2B: a Paybill or Till paid from the SIM menu): no payment
   * of ours names it, so the settle job matches it to an order or keeps it as an orphan.
   */
  readonly received?: ReceivedMoney;
}

/** What a provider says arrived, as `WebhookEvent.received` carries it. */
export interface ReceivedMoney {
  /** The provider's transaction id (M-Pesa TransID): the money is counted once per id. */
  readonly transId: string;
  readonly amount: Money;
  readonly paidAt: Date;
  /** What the payer typed as the account number (Paybill); absent for a Till. */
  readonly account?: string;
  /** The payer's number as the provider shows it: full, masked or hashed. */
  readonly msisdn?: string;
  readonly payerName?: string;
}

/** Our records, as a plugin answering a provider at once (`answerWebhook`) may read them. */
export interface PaymentLookup {
  /**
   * The order an account number names, in the instance's tenant: `unknown` (no such order),
   * `closed` (paid, cancelled: no money is due) or what is still `due` on it.
   */
  dueFor(
    account: string,
  ): Promise<
    { readonly kind: "unknown" } | { readonly kind: "closed" } | { readonly kind: "due"; readonly due: Money }
  >;
}

export interface HealthResult {
  readonly ok: boolean;
  /** Why not, in words an operator can act on; never a secret. */
  readonly message?: string;
  readonly latencyMs?: number;
}

/** One configured provider, ready to call. */
export interface ProviderClient {
  initiate(request: InitiateRequest): Promise<InitiateResult>;
  /** Asks the provider for the truth about a payment (reconciliation, before giving value). */
  verify(payment: Payment): Promise<VerifyResult>;
  /** Verifies authenticity first; throws ProviderError (code `unauthorized`) on a forged request. */
  parseWebhook(request: WebhookRequest): Promise<WebhookEvent>;
  /**
   * For a request the provider wants answered from our records before anything happens (Daraja
   * C2B validation: accept or refuse a payment before money moves): the JSON to answer with, and
   * nothing is recorded. Undefined: an event, for `parseWebhook`. Authenticates like it.
   */
  answerWebhook?(
    request: WebhookRequest,
    lookup: PaymentLookup,
  ): Promise<{ readonly body: unknown } | undefined>;
  /**
   * Tells the provider where to send this instance's events (Daraja C2B Register URL), for the
   * admin API; `message` says what the provider answered, in words an operator can act on.
   */
  registerWebhooks?(): Promise<{ readonly message: string }>;
  /**
   * Asks the provider whether money a payer sent unasked really arrived, before it is given value
   * (Daraja Transaction Status): `pending` when the answer comes later (the settle job retries).
   * Absent: the confirmation is taken as it is (its path token authenticated it).
   */
  confirmReceived?(
    received: ReceivedMoney,
  ): Promise<{ readonly outcome: "confirmed" | "pending" | "refuted"; readonly reason?: string }>;
  /**
   * Asks the provider about a transaction by its id alone, one a payer says they made (a pasted
   * M-Pesa code) whose confirmation never came (Daraja Transaction Status): `found` with the money
   * as a confirmation would report it (no account number), `pending` while the answer is on its
   * way (ask again later), `not_found` when no completed payment with that id reached this instance.
   */
  findReceived?(
    transId: string,
  ): Promise<
    | { readonly outcome: "found"; readonly received: ReceivedMoney }
    | { readonly outcome: "pending" }
    | { readonly outcome: "not_found"; readonly reason: string }
  >;
  /**
   * Money the provider received between `since` and `until`, as the events its webhooks would
   * have sent (the same `eventKey`s): how a dropped webhook is recovered (Daraja Pull
   * Transactions). A scheduled job feeds them into the inbox, where a delivered one is a duplicate.
   */
  pullReceived?(since: Date, until: Date): Promise<readonly WebhookEvent[]>;
  /** True when `registerWebhooks` should also run at each start (the instance's config says so). */
  readonly registersOnStart?: boolean;
  healthCheck(): Promise<HealthResult>;
  refund?(payment: Payment, amount: Money): Promise<{ readonly providerRef: string }>;
  /**
   * The refund the provider holds for this payment (one not failed), or null when it holds none:
   * how a refund whose answer was lost (a timeout, a crash) is settled later. Without it, such a
   * refund stays claimed and an operator is alerted.
   */
  findRefund?(payment: Payment): Promise<{ readonly providerRef: string } | null>;
}

/**
 * State shared by every process through Redis, for plugins that must agree across processes
 * (Daraja invalidates the previous OAuth token whenever a new one is issued).
 */
export interface SharedCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Runs `task` while holding a lock on `key` across processes (at most `ttlMs`); callers that
   * find it held wait for it and then run theirs, so they can see what the holder stored.
   */
  withLock<T>(key: string, ttlMs: number, task: () => Promise<T>): Promise<T>;
}

/** What the registry hands a plugin when it builds an instance. */
export interface PluginInstance<Config> {
  readonly id: string;
  readonly tenantId: string;
  readonly testMode: boolean;
  /** Validated config with secrets decrypted: the shared fields and the `testMode` set's own. */
  readonly config: Config;
  /** Base URL for callbacks (`PUBLIC_URL`). */
  readonly publicUrl: string;
  /** Where the provider must post this instance's webhooks, when the plugin declares a webhook. */
  readonly webhookUrl?: string;
  /** Keys are namespaced per instance by the registry. */
  readonly shared: SharedCache;
}

export interface PaymentPlugin<Schema extends z.ZodObject = z.ZodObject> {
  /** Stable id (`manual`, `mpesa`, `paystack`). */
  readonly name: string;
  /** What the shopper sees on the payment button ("M-Pesa", "Card (Paystack)"). */
  readonly label: string;
  readonly methods: readonly PaymentMethod[];
  /**
   * The button's words per method, for a plugin serving several (Flutterwave: "Card (Flutterwave)",
   * "M-Pesa (Flutterwave)"), so two buttons never read the same; a method not named here: `label`.
   */
  readonly methodLabels?: Readonly<Partial<Record<PaymentMethod, string>>>;
  readonly configSchema: Schema;
  create(instance: PluginInstance<z.output<Schema>>): ProviderClient;
  // The provider's words besides its label; the dialogue words the method around them.
  /** What the provider calls its receipt number ("M-Pesa receipt"); default "reference". */
  readonly receiptLabel?: string;
  /**
   * How a shopper pays an instance in test mode without real money (the provider's test card, its
   * sandbox phone number), shown before paying while the instance is in test mode.
   */
  readonly testInstructions?: string;
  /**
   * What initiating needs from the shopper under this (non-secret) config, and how to ask for
   * it; nothing: undefined. The dialogue asks, checks and remembers it; it arrives as `payer`.
   */
  payer?(config: Readonly<Record<string, unknown>>): PayerRequest | undefined;
  /**
   * True when initiating pushes a prompt to the payer's phone (an M-Pesa STK push): anyone who can
   * name a number could make it ring, so each initiation counts against the payer-prompt limits
   * (per phone number and per chat), however it was asked for.
   */
  readonly promptsPayer?: boolean;
  /** How providers reach this plugin's instances; one generic route serves every plugin's. */
  readonly webhook?: PluginWebhook<z.output<Schema>>;
  /** The environment variables that make an instance for the default tenant, if any. */
  readonly environment?: PluginEnvironment;
}

/**
 * A plugin's webhook: POST /webhooks/<segment>/<instance id>[/<path values>…]. The route finds the
 * plugin by its segment and the instance by its id, reads at most `maxBodyBytes` raw bytes and
 * hands them to `parseWebhook`; this declaration says everything that differs between providers.
 */
export interface PluginWebhook<Config> {
  /** The URL segment after /webhooks/ (`daraja`, `paystack`), unique among the plugins. */
  readonly segment: string;
  /**
   * Names of the secret path parts after the instance id, for providers that sign nothing (Daraja:
   * `token`); `parseWebhook` finds them in `params` under these names.
   */
  readonly pathParams?: readonly string[];
  /** The values of `pathParams` for an instance, in order. */
  pathValues?(config: Config): readonly string[];
  /** The largest body accepted, in bytes (default 64 KiB): anything bigger is not an event. */
  readonly maxBodyBytes?: number;
  /**
   * The answer to a request failing authentication: `not_found` when the secret is in the path (a
   * wrong one is "no such webhook"), `unauthorized` (401) when the provider signs its requests.
   */
  readonly unauthenticated: "not_found" | "unauthorized";
  /** The JSON body an accepted event (or a duplicate) is answered with. */
  readonly acknowledgement: unknown;
}

/** What the environment asks a plugin's seeded instance to be. */
export interface EnvironmentSeed {
  readonly displayName: string;
  readonly testMode: boolean;
  /** The whole config, secrets included, as the environment says it now. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Config fields made once at creation and kept after (Daraja's callback token). */
  readonly createOnly?: Readonly<Record<string, unknown>>;
  /** Config field → the variable it comes from, to name what is ignored once an operator edits. */
  readonly variables: Readonly<Record<string, string>>;
}

/** What a seed may use besides the plugin's own variables. */
export interface SeedContext {
  /** The shop's payment instructions (catalog or MANUAL_PAYMENT_INSTRUCTIONS). */
  readonly paymentInstructions: string;
}

/**
 * A plugin's environment variables (DESIGN §7 names): an environment section whose settings, when
 * present, seed one instance for the default tenant; the instance follows the environment on each
 * start until an operator edits it through the admin API.
 */
export interface PluginEnvironment<Settings = unknown> extends EnvSection<Settings> {
  seed(settings: Settings, context: SeedContext): EnvironmentSeed;
  /** What the shop takes through it, for the start-up guide ("M-Pesa (STK Push)"). */
  summary(settings: Settings): string;
  /** What to set to switch it on, for the start-up guide when no such plugin is configured. */
  readonly setupHint?: { readonly variables: string; readonly takes: string };
}

/**
 * Declares a plugin's environment. The settings type is erased for the plugin list; it is safe
 * because `seed` is only ever given what the same section's `read` returned.
 */
export function pluginEnvironment<Settings>(environment: PluginEnvironment<Settings>): PluginEnvironment {
  return environment as unknown as PluginEnvironment;
}

export { ProviderError, type ProviderErrorCode } from "./provider-error.js";

/** The names of a plugin's secret fields (marked with `.meta({ secret: true })`). */
export function secretFieldsOf(schema: z.ZodObject): string[] {
  return fieldsMarked(schema, "secret");
}

/** The names of the fields that differ between live and test (marked with `.meta({ perMode: true })`). */
export function perModeFieldsOf(schema: z.ZodObject): string[] {
  return fieldsMarked(schema, "perMode");
}

function fieldsMarked(schema: z.ZodObject, mark: "secret" | "perMode"): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => (field as z.ZodType).meta()?.[mark] === true)
    .map(([name]) => name);
}
