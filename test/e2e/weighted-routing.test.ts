/**
 * Weighted routing as assembled by the app: instances weighted through the admin API, a shopper's
 * checkout through the bot, the choice recorded on the payment and remembered in Redis for
 * PAYMENT_SPLIT_STICKY_HOURS, and the instance's statistics from the admin API.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderByTransfer, REDIS_URL, startTestShop, type TestShop } from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const STICKY_HOURS = 2;

describe("weighted routing in the assembled app", () => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await startTestShop({
      env: { ADMIN_TOKEN, PAYMENT_SPLIT_STICKY_HOURS: String(STICKY_HOURS) },
    });
  });

  afterAll(async () => {
    await shop.stop();
  });

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`http://127.0.0.1:${shop.duka.port()}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  const bank = (name: string, weight: number) => ({
    plugin: "manual",
    displayName: `Bank ${name}`,
    priority: 5,
    weight,
    config: { instructions: `Pay to bank ${name}, then send the receipt.` },
  });

  it("routes by weight, records and remembers the choice, and counts it in the stats", async () => {
    // Created first, so priority order alone would pick it; its weight 0 means the split never does.
    const drained = await admin("POST", "/providers", bank("Drained", 0));
    const full = await admin("POST", "/providers", bank("Full", 100));
    expect([drained.status, full.status]).toEqual([201, 201]);

    const shopper = shop.shopper(7301);
    const { ref, placed } = await orderByTransfer(shopper, "Sukuma");
    expect(placed.text).toContain("Pay to bank Full");

    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
    expect(payment).toMatchObject({
      instanceId: full.json.id,
      routing: {
        kind: "split",
        shares: [
          { instanceId: drained.json.id, weight: 0 },
          { instanceId: full.json.id, weight: 100 },
        ],
        chosen: full.json.id,
        sticky: false,
      },
    });

    const redis = new Redis(REDIS_URL);
    try {
      const key = `${shop.config.queue.prefix}:route:${shop.config.tenantId}:telegram:7301:manual`;
      expect(JSON.parse((await redis.get(key))!)).toMatchObject({ instanceId: full.json.id });
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(STICKY_HOURS * 3_600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(STICKY_HOURS * 3_600_000);
    } finally {
      redis.disconnect();
    }

    const stats = await admin("GET", `/providers/${String(full.json.id)}/stats?days=1`);
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ tried: 1, open: 1, succeeded: 0, failed: 0, weight: 100 });
  });
});
