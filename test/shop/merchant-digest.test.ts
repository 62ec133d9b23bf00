/**
 * "Order paid" alerts carry a digest line, so a pile-up on a merchant's chat goes out as one
 * message (the outbound worker merges them); other alerts are never merged.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/index.js";
import type { OutgoingMessage } from "../../src/queue/outbox.js";
import {
  merchantDigest,
  SETTLED_DIGEST_GROUP,
  TEST_SETTLED_DIGEST_GROUP,
} from "../../src/shop/merchant-messages.js";
import { createMerchantNotifier } from "../../src/shop/merchant-notifier.js";
import { makeOrder, makePayment, makeProof } from "../store/fixtures.js";

async function notifierCapturing() {
  const sent: OutgoingMessage[] = [];
  const notifier = createMerchantNotifier({
    tenantId: "t1",
    merchants: [
      { channel: "telegram", chatId: "9001" },
      { channel: "whatsapp", chatId: "254700009001@c.us" },
    ],
    outbox: {
      send: async (message) => void sent.push(message),
      enqueue: async () => undefined,
    },
    conversations: { handle: async () => undefined, deliver: async () => undefined },
    catalog: await loadCatalog(),
    providerLabel: (plugin: string) => ({ mpesa: "M-Pesa", airtel: "Airtel Money" })[plugin],
  });
  return { notifier, sent };
}

describe("merchant digests", () => {
  it("gives every 'order paid' alert, to each merchant, the digest line of its order", async () => {
    const { notifier, sent } = await notifierCapturing();
    const order = makeOrder({ ref: "DK-4ZTE5" });
    await notifier.paymentSettled(
      order,
      makePayment({ method: "card", amount: { amount: 12_000, currency: "KES" } }),
    );
    expect(sent).toHaveLength(2);
    for (const message of sent) {
      expect(message.lane).toBe("urgent");
      expect(message.digest).toEqual({
        group: SETTLED_DIGEST_GROUP,
        line: "*DK-4ZTE5* KES 120.00 by card, from Wanjiku (telegram 100)",
      });
    }
  });

  it("never merges receipts to review or flagged payments: they need the merchant's decision", async () => {
    const { notifier, sent } = await notifierCapturing();
    const order = makeOrder();
    await notifier.proofSubmitted(order, makeProof());
    await notifier.paymentFlagged(
      order,
      makePayment({ flag: { reason: "amount_mismatch", at: new Date() } }),
    );
    expect(sent.map((message) => message.digest)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("names a mobile-money payment by its provider, whose statement the merchant checks", async () => {
    const { notifier, sent } = await notifierCapturing();
    const order = makeOrder({ ref: "DK-4ZTE5" });
    await notifier.paymentSettled(order, makePayment({ method: "mobile_money", provider: "airtel" }));
    await notifier.paymentFlagged(
      order,
      makePayment({
        method: "mobile_money",
        provider: "mpesa",
        flag: { reason: "unconfirmed", at: new Date() },
      }),
    );
    expect(sent[0]!.digest?.line).toContain(" by Airtel Money, from ");
    expect(sent[2]!.replies[0]!.text).toContain("Check it in your M-Pesa statement.");
  });

  it("words a digest of paid orders as one message, one line each", () => {
    expect(
      merchantDigest(SETTLED_DIGEST_GROUP, ["*DK-AAAAA* KES 1.00 by card", "*DK-BBBBB* KES 2.00 by M-Pesa"]),
    ).toEqual({
      text: "💰 2 orders paid:\n• *DK-AAAAA* KES 1.00 by card\n• *DK-BBBBB* KES 2.00 by M-Pesa",
    });
  });

  it("keeps test payments out of the paid digest: their own group, marked TEST, saying no money moved", async () => {
    const { notifier, sent } = await notifierCapturing();
    const order = makeOrder({ ref: "DK-7E5T1", testMode: true });
    await notifier.paymentSettled(
      order,
      makePayment({ method: "card", amount: { amount: 12_000, currency: "KES" }, testMode: true }),
    );
    const [message] = sent;
    expect(message?.digest?.group).toBe(TEST_SETTLED_DIGEST_GROUP);
    expect(message?.digest?.line).toMatch(/^🧪 TEST \*DK-7E5T1\*/);
    expect(message?.replies[0]?.text).toContain("Test payment — no money moved. Do not deliver this order.");
    expect(merchantDigest(TEST_SETTLED_DIGEST_GROUP, ["a", "b"]).text).toMatch(
      /^🧪 2 test payments — no money moved:/,
    );
    expect(merchantDigest(SETTLED_DIGEST_GROUP, ["a"]).text).toMatch(/^💰 1 orders paid:/);
  });
});
