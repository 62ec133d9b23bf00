import { describe, expect, it } from "vitest";
import { sectionSettings } from "../../../src/config/env-section.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { money } from "../../../src/domain/money.js";
import { cashOnDeliveryEnvironment } from "../../../src/payments/cash-on-delivery/environment.js";
import { cashOnDeliveryPlugin } from "../../../src/payments/cash-on-delivery/index.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import { initiateRequest, testPayment } from "../paystack/harness.js";

function client(config: Record<string, unknown>) {
  return cashOnDeliveryPlugin.create({
    id: "pi_cod",
    tenantId: "ten_test",
    testMode: false,
    config: cashOnDeliveryPlugin.configSchema.parse(config),
    publicUrl: "https://duka.example.com",
    shared: { get: async () => null, set: async () => {}, withLock: (_key, _ttl, task) => task() },
  });
}

const paymentOf = (amount: number) =>
  testPayment({ method: "cash_on_delivery", provider: "cash-on-delivery", amount: money(amount, "KES") });

function requestFor(amount: number) {
  const request = initiateRequest(paymentOf(amount));
  return { ...request, order: { ...request.order, total: money(amount, "KES") } };
}

describe("cash on delivery plugin", () => {
  it("places the order for delivery with the shop's instructions", async () => {
    const result = await client({ instructions: "Pay the rider." }).initiate(requestFor(450_000));
    expect(result).toEqual({
      status: "awaiting_delivery",
      action: { kind: "instructions", text: "Pay the rider." },
    });
  });

  it("takes an order up to the limit and refuses one above it, in the shopper's words", async () => {
    const limited = client({ maxTotal: 5000 });
    await expect(limited.initiate(requestFor(500_000))).resolves.toMatchObject({
      status: "awaiting_delivery",
    });
    const refused = await limited.initiate(requestFor(500_100)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).retryable).toBe(false);
    expect((refused as ProviderError).shopperMessage).toBe(
      "Cash on delivery is only for orders up to KES 5,000.00. Please choose another way to pay.",
    );
  });

  it("never reports a payment paid: only the merchant does", async () => {
    await expect(client({}).verify(paymentOf(100))).resolves.toEqual({ outcome: "pending" });
  });
});

describe("cash on delivery environment", () => {
  const settings = (env: NodeJS.ProcessEnv) => sectionSettings(loadConfig(env), cashOnDeliveryEnvironment);

  it("is off unless CASH_ON_DELIVERY=on", () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ CASH_ON_DELIVERY: "off", CASH_ON_DELIVERY_MAX_TOTAL: "100" })).toBeUndefined();
  });

  it("seeds an instance with the instructions and the limit", () => {
    const on = settings({
      CASH_ON_DELIVERY: "on",
      CASH_ON_DELIVERY_INSTRUCTIONS: "Cash to the rider",
      CASH_ON_DELIVERY_MAX_TOTAL: "5000",
    });
    expect(on).toBeDefined();
    const seed = cashOnDeliveryEnvironment.seed(on, { paymentInstructions: "" });
    expect(seed.config).toEqual({ instructions: "Cash to the rider", maxTotal: 5000 });
    expect(cashOnDeliveryPlugin.configSchema.safeParse(seed.config).success).toBe(true);
  });

  it("refuses a value it does not understand, naming the variable", () => {
    expect(() => loadConfig({ CASH_ON_DELIVERY: "yes" })).toThrow(/CASH_ON_DELIVERY/);
    expect(() => loadConfig({ CASH_ON_DELIVERY: "on", CASH_ON_DELIVERY_MAX_TOTAL: "lots" })).toThrow(
      /CASH_ON_DELIVERY_MAX_TOTAL/,
    );
  });
});
