/**
 * What every payment plugin must do, written once against the ProviderClient contract and run
 * per plugin (payments.test.ts) against its provider's emulator, through the client Duka builds
 * (instances.ts). A scenario that needs a capability the plugin does not declare is skipped, and
 * its title names that capability; the declarations themselves are checked first, so a plugin
 * that loses one fails instead of quietly skipping.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { money } from "../../../src/domain/money.js";
import type { Payment, PaymentMethod, PaymentStatus } from "../../../src/domain/payment.js";
import {
  type PaymentPlugin,
  type ProviderClient,
  ProviderError,
  perModeFieldsOf,
  secretFieldsOf,
  type WebhookRequest,
} from "../../../src/payments/plugin.js";
import type { Capabilities, PaymentDriver, ProviderControls, ProviderSandbox } from "./drivers.js";
import { createInstanceFactory } from "./instances.js";

/**
 * Methods no provider decides, and what their payments wait for: a receipt the merchant reviews,
 * or the merchant's word that the cash was collected on delivery.
 */
const MERCHANT_DECIDES: Partial<Record<PaymentMethod, PaymentStatus>> = {
  manual: "awaiting_proof",
  cash_on_delivery: "awaiting_delivery",
};

/** Words for a shopper: a sentence, not a code or a key name. */
const SHOPPER_WORDS = /^[A-Z][^{}_\n]*[.!]$/;

async function providerErrorOf(action: () => Promise<unknown>): Promise<ProviderError> {
  const thrown = await action().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown, "expected a ProviderError").toBeInstanceOf(ProviderError);
  return thrown as ProviderError;
}

export function paymentConformance(driver: PaymentDriver): void {
  const declared = driver.capabilities;
  let plugin: PaymentPlugin;
  let sandbox: ProviderSandbox;
  let instances: Awaited<ReturnType<typeof createInstanceFactory>>;
  let client: ProviderClient;

  /** A scenario that applies only when the plugin declares `capability`. */
  const needs = (capability: keyof Capabilities, title: string, test: () => Promise<void>) =>
    it.skipIf(!declared[capability])(`${title} [needs ${capability}]`, test);

  const provider = (): ProviderControls => {
    if (!sandbox.provider) throw new Error(`The ${driver.name} driver has no provider controls`);
    return sandbox.provider;
  };

  /** A payment initiated with the provider, as the service stores it. */
  async function initiated(): Promise<Payment> {
    const payment = sandbox.payment();
    const result = await client.initiate(sandbox.initiateRequest(payment));
    return {
      ...payment,
      status: result.status,
      ...(result.providerRef ? { providerRef: result.providerRef } : {}),
    };
  }

  /** An initiated payment the shopper paid, and the provider's webhook saying so. */
  async function paidWithWebhook(): Promise<{ payment: Payment; webhook: WebhookRequest }> {
    const payment = await initiated();
    await provider().pay(payment);
    return { payment, webhook: await provider().webhookAbout(payment) };
  }

  function expectNoSecretIn(message: string | undefined, config: Record<string, unknown>) {
    for (const field of sandbox.secretFields) {
      const value = config[field];
      if (typeof value === "string") expect(message).not.toContain(value);
    }
  }

  beforeAll(async () => {
    plugin = await driver.plugin();
    sandbox = await driver.start();
    instances = await createInstanceFactory({ plugin, publicUrl: sandbox.publicUrl, shared: sandbox.shared });
    client = (await instances.build(sandbox.config)).client;
  });

  afterAll(async () => {
    await instances?.close();
    await sandbox?.close();
  });

  it("declares the capabilities its driver expects", () => {
    expect({
      webhooks: plugin.webhook !== undefined,
      refund: typeof client.refund === "function",
      // Only a plugin whose methods the merchant decides can do without a provider.
      provider: declared.provider || plugin.methods.every((method) => MERCHANT_DECIDES[method] !== undefined),
    }).toEqual({ webhooks: declared.webhooks, refund: declared.refund, provider: true });
  });

  describe("config", () => {
    it("accepts the documented config and refuses a bad one", () => {
      expect(plugin.configSchema.safeParse(sandbox.config).success).toBe(true);
      const bad = Object.entries(sandbox.badConfigs);
      expect(bad.length).toBeGreaterThan(0);
      for (const [what, config] of bad) {
        expect(plugin.configSchema.safeParse(config).success, `refuses ${what}`).toBe(false);
      }
    });

    it("marks exactly its secret fields secret", () => {
      expect(secretFieldsOf(plugin.configSchema).sort()).toEqual([...sandbox.secretFields].sort());
    });

    it("marks exactly its live/test fields per-mode, and says how to pay in test mode when it has them", () => {
      const perMode = perModeFieldsOf(plugin.configSchema);
      expect(perMode.sort()).toEqual([...sandbox.perModeFields].sort());
      // Test credentials exist only where fields differ per mode; then the shopper needs the test card or number.
      expect(plugin.testInstructions !== undefined).toBe(perMode.length > 0);
    });
  });

  describe("initiate", () => {
    it("leaves the payment waiting, tells the shopper what to do, and names the provider's reference", async () => {
      const payment = sandbox.payment();
      const result = await client.initiate(sandbox.initiateRequest(payment));
      // A merchant-decided method waits for the merchant; a provider's, for the provider.
      expect(result.status).toBe(MERCHANT_DECIDES[plugin.methods[0]!] ?? "pending");
      const { action } = result;
      expect(action.kind === "link" ? action.url : action.text).toMatch(/\S/);
      if (declared.provider) expect(result.providerRef).toMatch(/\S/);
    });
  });

  describe("verify", () => {
    it("reports a payment the shopper has not completed as pending", async () => {
      const result = await client.verify(await initiated());
      expect(result.outcome).toBe("pending");
      expect(result.amount).toBeUndefined();
    });

    needs("verifies", "reports a paid payment as succeeded", async () => {
      const payment = await initiated();
      await provider().pay(payment);
      expect((await client.verify(payment)).outcome).toBe("succeeded");
    });

    needs(
      "verifyReportsPayment",
      "reports the amount the provider took, not the payment's, and a receipt",
      async () => {
        const payment = await initiated();
        await provider().pay(payment);
        // The stored payment says another amount: settlement must see the provider's to catch it.
        const result = await client.verify({ ...payment, amount: money(99_900, "KES") });
        expect(result.amount).toEqual(payment.amount);
        expect(result.receipt).toMatch(/\S/);
      },
    );

    needs("verifies", "reports a failed payment with the reason in the shopper's words", async () => {
      const payment = await initiated();
      await provider().fail(payment);
      const result = await client.verify(payment);
      expect(["failed", "cancelled"]).toContain(result.outcome);
      expect(result.reason).toMatch(SHOPPER_WORDS);
      expect(result.amount).toBeUndefined();
    });
  });

  describe("webhook", () => {
    needs("webhooks", "turns the provider's webhook into a succeeded event with a receipt", async () => {
      const { payment, webhook } = await paidWithWebhook();
      const event = await client.parseWebhook(webhook);
      expect(event).toMatchObject({
        outcome: "succeeded",
        providerRef: payment.providerRef,
        amount: payment.amount,
      });
      expect(event.eventKey).toMatch(/\S/);
      expect(event.receipt).toMatch(/\S/);
    });

    needs("webhooks", "reports the amount the provider sent, not the payment's", async () => {
      const payment = await initiated();
      const reported = money(payment.amount.amount - 100, payment.amount.currency);
      await provider().pay(payment, reported);
      const event = await client.parseWebhook(await provider().webhookAbout(payment));
      // Settlement compares this with the payment and flags the difference.
      expect(event).toMatchObject({ outcome: "succeeded", amount: reported });
    });

    needs("webhooks", "gives a redelivery the same event key", async () => {
      const { payment, webhook } = await paidWithWebhook();
      await provider().redeliver(payment);
      const again = await provider().webhookAbout(payment);
      const [first, second] = [await client.parseWebhook(webhook), await client.parseWebhook(again)];
      expect(second.eventKey).toBe(first.eventKey);
      expect(second).toEqual(first);
    });

    needs("webhooks", "refuses a forged webhook as unauthorized, before reading the body", async () => {
      const { webhook } = await paidWithWebhook();
      for (const forged of [
        provider().forge(webhook),
        provider().forge({ ...webhook, rawBody: Buffer.from("{ not even json") }),
      ]) {
        const error = await providerErrorOf(() => client.parseWebhook(forged));
        expect(error.code).toBe("unauthorized");
        expect(error.retryable).toBe(false);
      }
    });

    needs("webhooks", "refuses an authentic webhook that is not an event as malformed", async () => {
      for (const body of ["{ not even json", "null", JSON.stringify({ unexpected: true })]) {
        const error = await providerErrorOf(() =>
          client.parseWebhook(provider().authentic(Buffer.from(body))),
        );
        expect(error.code, body).toBe("malformed");
        expect(error.retryable).toBe(false);
      }
    });

    it.skipIf(declared.webhooks)(
      "refuses any webhook with a ProviderError [declares no webhooks]",
      async () => {
        const error = await providerErrorOf(() =>
          client.parseWebhook({ rawBody: Buffer.from("{}"), headers: {}, params: {} }),
        );
        expect(error.retryable).toBe(false);
      },
    );
  });

  describe("health", () => {
    it("is ok while the provider answers", async () => {
      const result = await client.healthCheck();
      expect(result).toMatchObject({ ok: true });
      expect(result.message).toBeUndefined();
    });

    needs("provider", "is not ok when the provider is down, saying so without a secret", async () => {
      const config = await provider().downConfig();
      const result = await (await instances.build(config)).client.healthCheck();
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/\S/);
      expectNoSecretIn(result.message, config);
    });

    needs(
      "provider",
      "is not ok when the provider refuses the credentials, saying so without a secret",
      async () => {
        const config = provider().refusedConfig;
        const result = await (await instances.build(config)).client.healthCheck();
        expect(result.ok).toBe(false);
        expect(result.message).toMatch(/\S/);
        expectNoSecretIn(result.message, config);
        expectNoSecretIn(result.message, sandbox.config);
      },
    );
  });

  describe("refund", () => {
    const refund = (payment: Payment, amount: Payment["amount"]) => {
      if (!client.refund) throw new Error(`${driver.name} declares refund but its client has none`);
      return client.refund(payment, amount);
    };

    needs("refund", "refunds a paid payment in full", async () => {
      const payment = await initiated();
      await provider().pay(payment);
      expect((await refund(payment, payment.amount)).providerRef).toMatch(/\S/);
    });

    needs(
      "refund",
      "refunds part of a paid payment, then the rest, each with its own reference",
      async () => {
        const payment = await initiated();
        await provider().pay(payment);
        const first = await refund(payment, money(20_000, "KES"));
        const rest = await refund(payment, money(payment.amount.amount - 20_000, "KES"));
        expect(rest.providerRef).not.toBe(first.providerRef);
        // Nothing is left to refund now.
        const error = await providerErrorOf(() => refund(payment, money(100, "KES")));
        expect(error.retryable).toBe(false);
      },
    );
  });
}
