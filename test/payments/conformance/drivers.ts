/**
 * One driver per payment plugin for the conformance suite (scenarios.ts): what the plugin can do,
 * how to start its provider's emulator, a valid config, and how to make the provider take, fail or
 * redeliver a payment and how to forge its webhooks. The scenarios are written once against these.
 */
import { fileURLToPath } from "node:url";
import {
  basicAuthorization,
  DARAJA_PATHS,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { DEFAULT_SECRET_HASH } from "../../../sandbox/flutterwave/index.js";
import { DEFAULT_SECRET_KEY, paystackSignature, TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { signatureHeader } from "../../../sandbox/stripe/index.js";
import { type Money, toMajor } from "../../../src/domain/money.js";
import type { Payment } from "../../../src/domain/payment.js";
import { REFERENCE_ALPHABET } from "../../../src/domain/reference.js";
import { cashOnDeliveryPlugin } from "../../../src/payments/cash-on-delivery/index.js";
import { flutterwavePlugin } from "../../../src/payments/flutterwave/index.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import { generateCallbackToken, mpesaPlugin } from "../../../src/payments/mpesa/index.js";
import { mpesaC2bPlugin } from "../../../src/payments/mpesa-c2b/index.js";
import { paystackPlugin } from "../../../src/payments/paystack/index.js";
import type { InitiateRequest, PaymentPlugin, WebhookRequest } from "../../../src/payments/plugin.js";
import { loadPluginModules } from "../../../src/payments/registry/plugin-loader.js";
import type { SharedCacheFactory } from "../../../src/payments/registry/shared-cache.js";
import { stripePlugin } from "../../../src/payments/stripe/index.js";
import {
  startTransferProvider,
  TRANSFER_SIGNATURE_HEADER,
  transferSignatureOf,
} from "../../fixtures/transfer-provider.js";
import * as flutterwave from "../flutterwave/harness.js";
import * as mpesa from "../mpesa/harness.js";
import * as paystack from "../paystack/harness.js";
import * as stripe from "../stripe/harness.js";

/** What a plugin declares; the suite checks the declarations, then skips what is not declared. */
export interface Capabilities {
  /** It calls a provider (manual does not: the merchant's review decides). */
  readonly provider: boolean;
  /** It receives webhooks (`webhook`). */
  readonly webhooks: boolean;
  /** Its client has `refund`, for any part of the amount paid. */
  readonly refund: boolean;
  /** Verify's success carries the amount and a receipt (Daraja's STK Query carries neither). */
  readonly verifyReportsPayment: boolean;
  /**
   * Verify can ask the provider about an initiated payment. Daraja C2B cannot: nothing identifies
   * a Paybill payment to Daraja before its confirmation brings the transaction id.
   */
  readonly verifies: boolean;
}

export interface PaymentDriver {
  readonly name: string;
  readonly capabilities: Capabilities;
  /** The plugin as Duka gets it: a built-in, or a module loaded through PAYMENT_PLUGINS. */
  plugin(): Promise<PaymentPlugin>;
  /** Starts the provider's emulator and what receives its webhooks. */
  start(): Promise<ProviderSandbox>;
}

export interface ProviderSandbox {
  /** A config as the plugin documents it, pointing at the emulator, secrets included. */
  readonly config: Record<string, unknown>;
  /** Configs the schema must refuse, by what is wrong with them. */
  readonly badConfigs: Readonly<Record<string, Record<string, unknown>>>;
  /** The fields stored encrypted. */
  readonly secretFields: readonly string[];
  /** The fields that differ between the provider's live and test accounts (`perMode`). */
  readonly perModeFields: readonly string[];
  /** Duka's public URL as the provider calls it back. */
  readonly publicUrl: string;
  readonly shared: SharedCacheFactory;
  /** A fresh payment the provider can take (KES 450.00), and the request that initiates it. */
  payment(): Payment;
  initiateRequest(payment: Payment): InitiateRequest;
  /** The provider's side; absent when there is no provider. */
  readonly provider?: ProviderControls;
  close(): Promise<void>;
}

export interface ProviderControls {
  /**
   * The shopper pays the initiated payment. With `reportedAmount`, the provider's webhook says
   * that was paid instead (a mismatch settlement must catch).
   */
  pay(payment: Payment, reportedAmount?: Money): Promise<void>;
  /** The shopper's payment fails (declined, cancelled, sent back). */
  fail(payment: Payment): Promise<void>;
  /** The provider's next webhook about the payment, as the webhook route hands it over. */
  webhookAbout(payment: Payment): Promise<WebhookRequest>;
  /** The provider sends the payment's last webhook again. */
  redeliver(payment: Payment): Promise<void>;
  /** `rawBody` as a webhook that passes the plugin's authenticity check. */
  authentic(rawBody: Buffer): WebhookRequest;
  /** `request` with its proof of origin broken: a bad signature, a wrong path token. */
  forge(request: WebhookRequest): WebhookRequest;
  /** A config whose credentials the provider refuses. */
  readonly refusedConfig: Record<string, unknown>;
  /** A config pointing at the provider's emulator once it is down. */
  downConfig(): Promise<Record<string, unknown>>;
}

/** Waits for the next captured webhook mentioning `reference`, passing over older ones. */
async function nextAbout<T extends WebhookRequest>(next: () => Promise<T>, reference: string): Promise<T> {
  for (;;) {
    const webhook = await next();
    if (webhook.rawBody.toString("utf8").includes(JSON.stringify(reference))) return webhook;
  }
}

const referenceOf = (payment: Payment) => {
  if (!payment.providerRef) throw new Error(`Payment ${payment._id} was not initiated`);
  return payment.providerRef;
};

/** Starts an emulator and stops it: its URL is one nothing answers on. */
async function downUrl(start: () => Promise<{ url: string; close(): Promise<void> }>): Promise<string> {
  const emulator = await start();
  await emulator.close();
  return emulator.url;
}

/** The base URL of an emulator started and closed again: nothing answers there. */
function downEmulator(start: () => Promise<{ baseUrl: string; close(): Promise<void> }>): Promise<string> {
  return downUrl(async () => {
    const down = await start();
    return { url: down.baseUrl, close: () => down.close() };
  });
}

/** Closes a driver's emulator (once the webhooks it sends are done), its receiver and its Redis keys. */
async function closeDriver(
  emulator: { close(): Promise<void>; webhookIdle?(): Promise<void> },
  receiver: { close(): Promise<void> },
  redis: { cleanup(): Promise<void> },
): Promise<void> {
  await emulator.webhookIdle?.();
  await emulator.close();
  await receiver.close();
  await redis.cleanup();
}

function withHeader(request: WebhookRequest, name: string, value: string): WebhookRequest {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

const manual: PaymentDriver = {
  name: "manual",
  capabilities: {
    provider: false,
    webhooks: false,
    refund: false,
    verifyReportsPayment: false,
    verifies: false,
  },
  plugin: async () => manualPlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    return {
      config: { instructions: "Pay to KCB 1234567, then send the receipt." },
      badConfigs: {
        "empty instructions": { instructions: " " },
        "an unknown field": { instructions: "x", till: "1" },
      },
      secretFields: [],
      perModeFields: [],
      publicUrl: "https://duka.example.com",
      shared: redis.shared,
      payment: () => paystack.testPayment({ method: "manual", provider: "manual" }),
      initiateRequest: (payment) => paystack.initiateRequest(payment),
      close: () => redis.cleanup(),
    };
  },
};

const cashOnDelivery: PaymentDriver = {
  name: "cash-on-delivery",
  capabilities: {
    provider: false,
    webhooks: false,
    refund: false,
    verifyReportsPayment: false,
    verifies: false,
  },
  plugin: async () => cashOnDeliveryPlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    return {
      config: { instructions: "Pay the rider in cash or by M-Pesa when your order arrives.", maxTotal: 5000 },
      badConfigs: {
        "empty instructions": { instructions: " " },
        "a limit of nothing": { maxTotal: 0 },
        "an unknown field": { instructions: "x", till: "1" },
      },
      secretFields: [],
      perModeFields: [],
      publicUrl: "https://duka.example.com",
      shared: redis.shared,
      payment: () =>
        paystack.testPayment({
          method: "cash_on_delivery",
          provider: "cash-on-delivery",
          status: "awaiting_delivery",
        }),
      initiateRequest: (payment) => paystack.initiateRequest(payment),
      close: () => redis.cleanup(),
    };
  },
};

const mpesaDriver: PaymentDriver = {
  name: "mpesa",
  capabilities: {
    provider: true,
    webhooks: true,
    refund: false,
    verifyReportsPayment: false,
    verifies: true,
  },
  plugin: async () => mpesaPlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    const emulator = await mpesa.startEmulator();
    const receiver = await mpesa.startCallbackReceiver();
    const config = {
      consumerKey: DEFAULT_CONSUMER_KEY,
      consumerSecret: DEFAULT_CONSUMER_SECRET,
      passkey: SANDBOX_PASSKEY,
      shortcode: SANDBOX_SHORTCODE,
      baseUrl: emulator.baseUrl,
      callbackToken: generateCallbackToken(),
    };
    return {
      config,
      badConfigs: {
        "a 4-digit shortcode": { ...config, shortcode: "1234" },
        "a callback token Daraja would refuse": { ...config, callbackToken: `${"a".repeat(30)}MPesa` },
        "no passkey": { ...config, passkey: undefined },
      },
      secretFields: ["consumerKey", "consumerSecret", "passkey", "callbackToken"],
      // The callback token is in the URL Daraja was given: one per instance, whatever the mode.
      perModeFields: [
        "consumerKey",
        "consumerSecret",
        "passkey",
        "shortcode",
        "partyB",
        "transactionType",
        "baseUrl",
      ],
      publicUrl: receiver.publicUrl,
      shared: redis.shared,
      payment: () => mpesa.testPayment(),
      initiateRequest: (payment) => mpesa.initiateRequest(payment, mpesa.nextPhone()),
      provider: {
        pay: async (payment, reported) =>
          void emulator.complete(referenceOf(payment), {
            resultCode: 0,
            // Daraja reports whole shillings.
            ...(reported === undefined ? {} : { amount: toMajor(reported) }),
          }),
        // 1: "The balance is insufficient for the transaction."
        fail: async (payment) => void emulator.complete(referenceOf(payment), { resultCode: 1 }),
        webhookAbout: (payment) => nextAbout(receiver.next, referenceOf(payment)),
        redeliver: async (payment) => emulator.redeliver(referenceOf(payment)),
        // Daraja signs nothing: the token in the callback path is the proof.
        authentic: (rawBody) => ({
          rawBody,
          headers: {},
          params: { id: "pi_any", token: config.callbackToken },
        }),
        forge: (request) => ({ ...request, params: { ...request.params, token: generateCallbackToken() } }),
        refusedConfig: { ...config, consumerSecret: "Sup3rSecretButWrong" },
        downConfig: async () => ({
          ...config,
          baseUrl: await downEmulator(() => mpesa.startEmulator()),
        }),
      },
      close: () => closeDriver(emulator, receiver, redis),
    };
  },
};

/** Distinct order references, so a webhook is told apart by its account number. */
let c2bOrders = 0;
function nextC2bRef(): string {
  c2bOrders += 1;
  const alphabet = REFERENCE_ALPHABET;
  return `DK-C2${alphabet[c2bOrders % alphabet.length]}${alphabet[Math.floor(c2bOrders / alphabet.length) % alphabet.length]}B`;
}

/** Registers the receiver's confirmation URL for the shortcode, as the plugin's registerWebhooks would. */
async function registerC2bReceiver(baseUrl: string, confirmationUrl: string): Promise<void> {
  const tokenAnswer = await fetch(`${baseUrl}${DARAJA_PATHS.oauth}?grant_type=client_credentials`, {
    headers: { authorization: basicAuthorization(DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET) },
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const answer = await fetch(`${baseUrl}${DARAJA_PATHS.c2bRegisterV2}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      ShortCode: SANDBOX_SHORTCODE,
      ResponseType: "Completed",
      ConfirmationURL: confirmationUrl,
    }),
  });
  if (answer.status !== 200) throw new Error(`C2B registration failed: ${await answer.text()}`);
}

const mpesaC2bDriver: PaymentDriver = {
  name: "mpesa-c2b",
  capabilities: {
    provider: true,
    webhooks: true,
    refund: false,
    verifyReportsPayment: false,
    verifies: false,
  },
  plugin: async () => mpesaC2bPlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    const emulator = await mpesa.startEmulator();
    const receiver = await mpesa.startCallbackReceiver();
    const config = {
      consumerKey: DEFAULT_CONSUMER_KEY,
      consumerSecret: DEFAULT_CONSUMER_SECRET,
      shortcode: SANDBOX_SHORTCODE,
      baseUrl: emulator.baseUrl,
      callbackToken: generateCallbackToken(),
    };
    const params = { instanceId: "pi_conformance", token: config.callbackToken, kind: "confirmation" };
    await registerC2bReceiver(
      emulator.baseUrl,
      `${receiver.publicUrl}/webhooks/daraja-c2b/${params.instanceId}/${params.token}/${params.kind}`,
    );
    // The confirmation as the webhook route hands it over: the path parts as named params.
    const confirmationAbout = async (payment: Payment) => ({
      ...(await nextAbout(receiver.next, referenceOf(payment))),
      params,
    });
    return {
      config,
      badConfigs: {
        "a 4-digit shortcode": { ...config, shortcode: "1234" },
        "a callback token Daraja would refuse": { ...config, callbackToken: `${"a".repeat(30)}Safaricom` },
        "an unknown type": { ...config, type: "buygoods" },
      },
      secretFields: ["consumerKey", "consumerSecret", "securityCredential", "callbackToken"],
      // The callback token is in the URLs registered with Daraja: one per instance, whatever the mode.
      perModeFields: [
        "consumerKey",
        "consumerSecret",
        "shortcode",
        "type",
        "tillNumber",
        "baseUrl",
        "apiVersion",
        "initiatorName",
        "pullNominatedNumber",
        "securityCredential",
      ],
      publicUrl: receiver.publicUrl,
      shared: redis.shared,
      payment: () => mpesa.testPayment({ method: "paybill", provider: "mpesa-c2b", orderRef: nextC2bRef() }),
      initiateRequest: (payment) => mpesa.initiateRequest(payment, undefined),
      provider: {
        // The shopper pays the Paybill with the order's reference as the account number.
        pay: async (payment, reported) =>
          void (await emulator.payBill({
            account: referenceOf(payment),
            amount: toMajor(reported ?? payment.amount),
            phone: mpesa.nextPhone(),
          })),
        // Nothing fails at Daraja for a Paybill: a payment is made or never happens.
        fail: async () => undefined,
        webhookAbout: confirmationAbout,
        redeliver: async (payment) => {
          const paid = emulator
            .c2bPayments()
            .findLast((candidate) => candidate.account === referenceOf(payment));
          if (!paid) throw new Error(`No C2B payment for ${referenceOf(payment)}`);
          await emulator.redeliverConfirmation(paid.transId);
        },
        authentic: (rawBody) => ({ rawBody, headers: {}, params }),
        forge: (request) => ({ ...request, params: { ...request.params, token: generateCallbackToken() } }),
        refusedConfig: { ...config, consumerSecret: "Sup3rSecretButWrong" },
        downConfig: async () => ({ ...config, baseUrl: await downEmulator(() => mpesa.startEmulator()) }),
      },
      close: () => closeDriver(emulator, receiver, redis),
    };
  },
};

const paystackDriver: PaymentDriver = {
  name: "paystack",
  capabilities: { provider: true, webhooks: true, refund: true, verifyReportsPayment: true, verifies: true },
  plugin: async () => paystackPlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    // One attempt per delivery: the receiver acknowledges everything.
    const emulator = await paystack.startEmulator({ webhookRetry: { delaysMs: [] } });
    const receiver = await paystack.startWebhookReceiver();
    // Paystack has one webhook URL per account; the instance id in it is not checked by the plugin.
    const webhookUrl = receiver.url("pi_conformance");
    emulator.setWebhookUrl(webhookUrl);
    const config = { secretKey: DEFAULT_SECRET_KEY, baseUrl: emulator.baseUrl };
    return {
      config,
      badConfigs: {
        "a public key as the secret key": { ...config, secretKey: "pk_test_abc" },
        "a non-URL baseUrl": { ...config, baseUrl: "api.paystack.co" },
        "an unknown field": { ...config, webhookSecret: "whsec_1" },
      },
      secretFields: ["secretKey", "previousSecretKey"],
      perModeFields: ["secretKey", "previousSecretKey", "previousSecretKeyUntil", "publicKey", "baseUrl"],
      publicUrl: receiver.origin,
      shared: redis.shared,
      payment: () => paystack.testPayment(),
      initiateRequest: (payment) => paystack.initiateRequest(payment, { email: "shopper@example.com" }),
      provider: {
        async pay(payment, reported) {
          const reference = referenceOf(payment);
          await emulator.pay(reference);
          if (reported === undefined) return;
          // Paystack charges what was initialized; a rightly signed event can still say otherwise.
          await nextAbout(receiver.next, reference);
          const data = { ...emulator.transactionData(reference), amount: reported.amount };
          await emulator.sendWebhook({ event: "charge.success", data }, { url: webhookUrl });
        },
        fail: async (payment) =>
          void (await emulator.pay(referenceOf(payment), { card: TEST_CARDS.declined })),
        webhookAbout: (payment) => nextAbout(receiver.next, referenceOf(payment)),
        redeliver: async (payment) =>
          void (await emulator.sendWebhook(referenceOf(payment), { url: webhookUrl })),
        authentic: (rawBody) => ({
          rawBody,
          headers: { "x-paystack-signature": paystackSignature(rawBody, config.secretKey) },
          params: { id: "pi_conformance" },
        }),
        forge: (request) =>
          withHeader(request, "x-paystack-signature", paystackSignature(request.rawBody, "sk_test_attacker")),
        refusedConfig: { ...config, secretKey: "sk_test_Sup3rSecretButWrong" },
        downConfig: async () => ({
          ...config,
          baseUrl: await downEmulator(() => paystack.startEmulator()),
        }),
      },
      close: () => closeDriver(emulator, receiver, redis),
    };
  },
};

const stripeDriver: PaymentDriver = {
  name: "stripe",
  capabilities: { provider: true, webhooks: true, refund: true, verifyReportsPayment: true, verifies: true },
  plugin: async () => stripePlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    // One attempt per delivery: the receiver acknowledges everything.
    const emulator = await stripe.startEmulator({ webhookRetryDelaysMs: [] });
    const receiver = await stripe.startStripeReceiver();
    emulator.setWebhookUrl(receiver.url("pi_conformance"));
    const config = stripe.testConfig(emulator.baseUrl);
    const signed = (rawBody: Buffer, secret: string): WebhookRequest => ({
      rawBody,
      headers: { "stripe-signature": signatureHeader(rawBody.toString("utf8"), secret, "right") ?? "" },
      params: { id: "pi_conformance" },
    });
    return {
      config,
      badConfigs: {
        "a publishable key as the secret key": { ...config, secretKey: "pk_test_abc" },
        "no webhook secret": { ...config, webhookSecret: undefined },
        "a session shorter than Stripe allows": { ...config, sessionMinutes: 10 },
      },
      secretFields: ["secretKey", "webhookSecret"],
      perModeFields: ["secretKey", "webhookSecret", "apiBase"],
      publicUrl: receiver.origin,
      shared: redis.shared,
      payment: () => stripe.stripePayment(),
      initiateRequest: (payment) => stripe.initiateRequest(payment),
      provider: {
        async pay(payment, reported) {
          const sessionId = referenceOf(payment);
          emulator.pay(sessionId);
          if (reported === undefined) return;
          // Stripe charges what the session says; a rightly signed event can still say otherwise.
          await nextAbout(receiver.next, sessionId);
          const event = emulator.lastEventAbout(sessionId, "checkout.session.completed");
          if (!event) throw new Error(`No completed event for ${sessionId}`);
          const object = { ...(event.data.object as object), amount_total: reported.amount };
          await emulator.sendEvent({ ...event, id: `${event.id}x`, data: { object } });
        },
        // A declined card leaves the session open for another try; a shopper who gives up lets it expire.
        fail: async (payment) => void emulator.expire(referenceOf(payment)),
        webhookAbout: (payment) => nextAbout(receiver.next, referenceOf(payment)),
        redeliver: async (payment) => {
          const event = emulator.lastEventAbout(referenceOf(payment));
          if (!event) throw new Error(`No event about ${referenceOf(payment)}`);
          await emulator.sendEvent(event.id);
        },
        authentic: (rawBody) => signed(rawBody, config.webhookSecret),
        forge: (request) => signed(request.rawBody, "whsec_attacker"),
        refusedConfig: { ...config, secretKey: "sk_test_Sup3rSecretButWrong" },
        downConfig: async () => ({
          ...config,
          apiBase: await downEmulator(() => stripe.startEmulator()),
        }),
      },
      close: () => closeDriver(emulator, receiver, redis),
    };
  },
};

const flutterwaveDriver: PaymentDriver = {
  name: "flutterwave",
  capabilities: { provider: true, webhooks: true, refund: true, verifyReportsPayment: true, verifies: true },
  plugin: async () => flutterwavePlugin,
  async start() {
    const redis = mpesa.createTestRedis();
    // One attempt per delivery: the receiver acknowledges everything.
    const emulator = await flutterwave.startEmulator({ webhookRetryDelaysMs: [] });
    const receiver = await flutterwave.startFlutterwaveReceiver();
    emulator.setWebhookUrl(receiver.url("pi_conformance"));
    const config = flutterwave.testConfig(emulator.baseUrl);
    const lastEventAbout = (payment: Payment) => {
      const event = emulator.events().findLast((candidate) => candidate.data.tx_ref === referenceOf(payment));
      if (!event) throw new Error(`No event about ${referenceOf(payment)}`);
      return event;
    };
    return {
      config,
      badConfigs: {
        "a public key as the secret key": { ...config, secretKey: "FLWPUBK_TEST-abc-X" },
        "no secret hash": { ...config, secretHash: undefined },
        "an unknown payment option": { ...config, paymentOptions: ["cash"] },
      },
      secretFields: ["secretKey", "secretHash"],
      perModeFields: ["secretKey", "secretHash", "baseUrl"],
      publicUrl: receiver.origin,
      shared: redis.shared,
      payment: () => flutterwave.flutterwavePayment(),
      initiateRequest: (payment) => flutterwave.flutterwaveRequest(payment),
      provider: {
        // Flutterwave's word is verify's: a short payment is one the transaction itself records.
        pay: async (payment, reported) =>
          void emulator.pay(
            referenceOf(payment),
            reported === undefined ? {} : { amount: toMajor(reported) },
          ),
        fail: async (payment) => void emulator.pay(referenceOf(payment), { status: "failed" }),
        webhookAbout: (payment) => nextAbout(receiver.next, referenceOf(payment)),
        redeliver: async (payment) => void (await emulator.sendEvent(lastEventAbout(payment))),
        authentic: (rawBody) => flutterwave.withHash(rawBody, DEFAULT_SECRET_HASH),
        forge: (request) => flutterwave.withHash(request.rawBody, "not-the-secret-hash"),
        refusedConfig: { ...config, secretKey: "FLWSECK_TEST-Sup3rSecretButWrong-X" },
        downConfig: async () => ({
          ...config,
          baseUrl: await downEmulator(() => flutterwave.startEmulator()),
        }),
      },
      close: () => closeDriver(emulator, receiver, redis),
    };
  },
};

const TRANSFER_PLUGIN = fileURLToPath(new URL("../../fixtures/transfer-plugin.ts", import.meta.url));
const TRANSFER_API_KEY = "tk_test_0123456789";

/** The third-party example, loaded from its file the way PAYMENT_PLUGINS loads plugins. */
const transfer: PaymentDriver = {
  name: "test-transfer",
  capabilities: { provider: true, webhooks: true, refund: false, verifyReportsPayment: true, verifies: true },
  async plugin() {
    const [plugin] = await loadPluginModules([TRANSFER_PLUGIN]);
    if (!plugin) throw new Error("The transfer plugin module exports no plugin");
    return plugin;
  },
  async start() {
    const redis = mpesa.createTestRedis();
    const provider = await startTransferProvider({ apiKey: TRANSFER_API_KEY });
    const receiver = await paystack.startWebhookReceiver("/webhooks/test-transfer");
    provider.setWebhookUrl(receiver.url("pi_conformance"));
    const config = { endpoint: provider.url, apiKey: TRANSFER_API_KEY, instructions: "Pay to KCB 1234567." };
    const signed = (request: WebhookRequest, apiKey: string) =>
      withHeader(request, TRANSFER_SIGNATURE_HEADER, transferSignatureOf(request.rawBody, apiKey));
    return {
      config,
      badConfigs: {
        "a short API key": { ...config, apiKey: "short" },
        "a non-URL endpoint": { ...config, endpoint: "transfers.example" },
        "no instructions": { ...config, instructions: undefined },
      },
      secretFields: ["apiKey"],
      perModeFields: [],
      publicUrl: receiver.origin,
      shared: redis.shared,
      payment: () => paystack.testPayment({ method: "manual", provider: "test-transfer" }),
      initiateRequest: (payment) => paystack.initiateRequest(payment),
      provider: {
        pay: (payment, reported) => provider.receive(referenceOf(payment), reported?.amount),
        fail: (payment) => provider.returnTransfer(referenceOf(payment), "account closed"),
        webhookAbout: (payment) => nextAbout(receiver.next, referenceOf(payment)),
        redeliver: (payment) => provider.redeliver(referenceOf(payment)),
        authentic: (rawBody) =>
          signed({ rawBody, headers: {}, params: { id: "pi_conformance" } }, TRANSFER_API_KEY),
        forge: (request) => signed(request, "tk_test_attacker"),
        refusedConfig: { ...config, apiKey: "tk_test_Sup3rSecretButWrong" },
        downConfig: async () => ({
          ...config,
          endpoint: await downUrl(() => startTransferProvider({ apiKey: TRANSFER_API_KEY })),
        }),
      },
      async close() {
        await provider.close();
        await receiver.close();
        await redis.cleanup();
      },
    };
  },
};

export const PAYMENT_DRIVERS: readonly PaymentDriver[] = [
  manual,
  cashOnDelivery,
  mpesaDriver,
  mpesaC2bDriver,
  paystackDriver,
  stripeDriver,
  flutterwaveDriver,
  transfer,
];
