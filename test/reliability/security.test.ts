/**
 * R23, R24 (reliability.md §4 F): forged webhook signatures and tokens, replays of valid events,
 * and validly-tokened callbacks for checkouts Duka never started.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY } from "../../sandbox/paystack/index.js";
import { confirmationsByChat, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { report } from "./harness/report.js";
import { scaled } from "./harness/scale.js";
import { post, type ReliabilityShop, startReliabilityShop } from "./harness/shop.js";
import { pool, waitUntil } from "./harness/wait.js";

let rel: ReliabilityShop;

beforeAll(async () => {
  rel = await startReliabilityShop();
});

afterAll(async () => {
  await rel.stop();
});

const FORGERIES = [
  "random",
  "wrong-key",
  "other-body",
  "reserialized",
  "truncated",
  "empty",
  "none",
  "sha256",
  // Paystack sends lowercase hex; Duka accepts exactly that (src/payments/paystack/webhook.ts).
  "uppercase",
] as const;

describe("F. security", () => {
  it("R23 forged signatures and tokens: all refused, nothing settled; raw-body hashing accepts odd bytes", async () => {
    const total = scaled(1000, 200);
    const orders = await rel.placeOrders(20, "card");
    for (const order of orders) await rel.paystack.pay(order.providerRef);
    const [mpesa] = await rel.placeOrders(1, "mobile_money");
    const push = await rel.daraja.nextPush();
    const wrongTokenUrl = push.callBackUrl.replace(/[^/]+$/, "not-the-token-0123456789abcdef");
    const tokenUrls = [wrongTokenUrl, push.callBackUrl.replace(/\/[^/]+$/, "")];
    const statuses = new Map<string, number>();
    const bodies: string[] = [];
    await pool(
      Array.from({ length: total }, (_, index) => index),
      10,
      async (index) => {
        const order = orders[index % orders.length]!;
        const kind = index % (FORGERIES.length + 1);
        if (kind === FORGERIES.length) {
          // A Daraja callback with a wrong or missing path token.
          const answer = await post(
            tokenUrls[index % 2]!,
            JSON.stringify({
              Body: {
                stkCallback: {
                  MerchantRequestID: "m-1",
                  CheckoutRequestID: mpesa!.providerRef,
                  ResultCode: 0,
                  ResultDesc: "ok",
                },
              },
            }),
          );
          statuses.set(`daraja ${answer.status}`, (statuses.get(`daraja ${answer.status}`) ?? 0) + 1);
          bodies.push(answer.text);
          return;
        }
        const [delivery] = await rel.paystack.sendWebhook(order.providerRef, {
          url: rel.paystackWebhookUrl,
          signWith: FORGERIES[kind]!,
          retryDelaysMs: [],
        });
        const key = `paystack ${delivery?.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      },
    );
    const figures = await measureInvariants(rel, [...orders, mpesa!], new Set());
    const logs = rel.logs.text();
    // The secret key and the token in the real callback URL appear in no answer and no log line.
    const secrets = [DEFAULT_SECRET_KEY, push.callBackUrl.split("/").at(-1)!];
    const leaked = secrets.filter(
      (secret) => logs.includes(secret) || bodies.some((text) => text.includes(secret)),
    ).length;

    // Companion: correctly signed events with unicode and odd whitespace in the raw bytes.
    const positives = scaled(100, 20);
    const good = await rel.placeOrders(positives, "card");
    for (const order of good) await rel.paystack.pay(order.providerRef);
    const accepted = await pool(good, 10, async (order) => {
      const data = { ...rel.paystack.transactionData(order.providerRef), note: "Asante sana 🙏 — ñ\u00a0ü" };
      const body = `{ "event" :\t"charge.success",\n  "data": ${JSON.stringify(data, null, 3)} }\r\n`;
      const answer = await post(rel.paystackWebhookUrl, body, {
        "x-paystack-signature": rel.paystack.sign(body),
      });
      return answer.status === 200;
    });
    await waitForDrain(
      rel,
      good.map((order) => order.chatId),
      60_000,
    );
    const fiveXX = [...statuses]
      .filter(([key]) => /\s5\d\d$/.test(key))
      .reduce((n, [, count]) => n + count, 0);
    report(
      `R23 forged-signatures ×${total}: ${[...statuses].map(([key, n]) => `${n}×${key}`).join(", ")}; ` +
        `${figures.settledOnce + figures.doubleSettled} settlements, ${fiveXX} 5xx, ${leaked} secrets in answers or logs; ` +
        `positive ×${positives} (unicode, odd whitespace): ${accepted.filter(Boolean).length} accepted`,
    );
    // Paystack forgeries are 401; a wrong Daraja path token is "no such webhook" (404), by design.
    const refused = [...statuses].filter(([key]) => key === "paystack 401" || key === "daraja 404");
    expect(refused.reduce((n, [, count]) => n + count, 0)).toBe(total);
    expect(figures.settledOnce + figures.doubleSettled).toBe(0);
    expect(leaked).toBe(0);
    expect(accepted.every(Boolean)).toBe(true);
  });

  it("R24 replays of paid events and callbacks for checkouts never started change nothing", async () => {
    const count = scaled(100, 20);
    const orders = await rel.placeOrders(count, "card");
    for (const order of orders) await rel.paystack.pay(order.providerRef);
    const bodies = orders.map((order) =>
      JSON.stringify({ event: "charge.success", data: rel.paystack.transactionData(order.providerRef) }),
    );
    for (const body of bodies)
      await post(rel.paystackWebhookUrl, body, { "x-paystack-signature": rel.paystack.sign(body) });
    await waitForDrain(
      rel,
      orders.map((order) => order.chatId),
      60_000,
    );
    const before = await measureInvariants(rel, orders, new Set(orders.map((order) => order.orderId)));
    const replays = await pool(bodies, 10, (body) =>
      post(rel.paystackWebhookUrl, body, { "x-paystack-signature": rel.paystack.sign(body) }),
    );

    const [mpesa] = await rel.placeOrders(1, "mobile_money");
    const push = await rel.daraja.nextPush();
    const unknown = await pool(
      Array.from({ length: count }, (_, index) => index),
      10,
      (index) =>
        post(
          push.callBackUrl,
          JSON.stringify({
            Body: {
              stkCallback: {
                MerchantRequestID: `29115-${index}`,
                CheckoutRequestID: `ws_CO_UNKNOWN_${index}`,
                ResultCode: 0,
                ResultDesc: "The service request is processed successfully.",
                CallbackMetadata: {
                  Item: [
                    { Name: "Amount", Value: 60 },
                    { Name: "MpesaReceiptNumber", Value: `RKX${index}AB` },
                    { Name: "PhoneNumber", Value: 254700000000 + index },
                  ],
                },
              },
            },
          }),
        ),
    );
    const ignoredLine = "webhook for a payment we never started";
    const ignored = await waitUntil(
      () => {
        const n = rel.logs.entries().filter((entry) => String(entry.msg).includes(ignoredLine)).length;
        return n >= count ? n : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const after = await measureInvariants(rel, orders, new Set(orders.map((order) => order.orderId)));
    const mpesaOrder = await rel.shop.duka.store.orders.findById(rel.shop.config.tenantId, mpesa!.orderId);
    report(
      `R24 replay-and-unsolicited: ${count} replays answered ${replays.filter((a) => a.status === 200).length}×200, ` +
        `${after.confirmations - before.confirmations} new confirmations, ${after.settledOnce - before.settledOnce} new settlements; ` +
        `${count} unknown CheckoutRequestIDs answered ${unknown.filter((a) => a.status === 200).length}×200, ` +
        `${ignored} logged "${ignoredLine}", 0 settlements (M-Pesa order still ${mpesaOrder?.status})`,
    );
    expect(after).toEqual(before);
    expect(replays.every((answer) => answer.status === 200)).toBe(true);
    expect(unknown.every((answer) => answer.status === 200)).toBe(true);
    expect(mpesaOrder?.status).toBe("awaiting_payment");
    expect(confirmationsByChat(rel).has(mpesa!.chatId)).toBe(false);
  });
});
