import { describe, expect, it } from "vitest";
import { parseMpesaSms } from "../../src/domain/mpesa-sms.js";
import type { Proof } from "../../src/domain/proof.js";
import { proofNotification } from "../../src/shop/merchant-messages.js";
import { SMS } from "../fixtures/mpesa-sms.js";
import { makeOrder, makeProof } from "../store/fixtures.js";

const order = makeOrder({ ref: "DK-4ZTE5", total: { amount: 125_000, currency: "KES" } });

function smsProof(text: string, extra: Partial<Proof> = {}): Proof {
  const reading = parseMpesaSms(text);
  if (!reading.ok) throw new Error("sample must read");
  const {
    mediaId: _m,
    mimeType: _t,
    size: _s,
    ...proof
  } = makeProof({ orderId: order._id, orderRef: order.ref });
  return { ...proof, sms: reading.sms, transactionCode: reading.sms.code, flags: [], ...extra };
}

describe("the merchant's alert for a pasted SMS", () => {
  it("shows the fields read from it, not the text, with the review buttons and commands", () => {
    const reply = proofNotification(order, smsProof(SMS.paybill), "en");
    expect(reply.text.split("\n")).toEqual([
      "📱 M-Pesa SMS pasted for *DK-4ZTE5*: KES 1,250.00",
      "From Wanjiku (telegram 100)",
      "• 2 × Eggs, tray of 12",
      "Code: *UL3XDEMO7Q*",
      "Amount: KES 1,250.00 (Paybill)",
      "To: MAMA MBOGA DEMO SHOP",
      "Account: DK-4ZTE5",
      "Date: 3/12/2026 10:15 EAT",
      "Find code UL3XDEMO7Q in your M-Pesa statement (anyone can type an SMS), then confirm or reject.",
      "Reply /confirm DK-4ZTE5, or /reject DK-4ZTE5 and the reason.",
    ]);
    expect(reply.text).not.toContain("New M-PESA balance");
    expect(reply.media).toBeUndefined();
    expect(reply.choices?.flat().map((choice) => choice.data)).toEqual(["m:ok:DK-4ZTE5", "m:no:DK-4ZTE5"]);
  });

  it("says who sent money received, with their number", () => {
    const text = proofNotification(order, smsProof(SMS.received), "en").text;
    expect(text).toContain("Amount: KES 1,000.00 (Money received)");
    expect(text).toContain("From: PETER DEMO 0700000002");
  });

  it("warns once per flag, naming the order a reused code was sent for", () => {
    const proof = smsProof(
      SMS.paybill.replace("Ksh1,250.00", "Ksh1,000.00").replace("DK-4ZTE5", "DK-7F3K2"),
      {
        flags: [
          "code_reused",
          "amount_mismatch",
          "dated_before_order",
          "account_names_other_order",
          "not_a_payment",
        ],
        reusedFromOrderRef: "DK-11111",
      },
    );
    const warnings = proofNotification(order, proof, "en")
      .text.split("\n")
      .filter((line) => line.startsWith("⚠️"));
    expect(warnings).toEqual([
      "⚠️ Code UL3XDEMO7Q was already sent for order DK-11111.",
      "⚠️ The SMS says KES 1,000.00; the order total is KES 1,250.00.",
      "⚠️ The SMS is dated before the order was placed (1/1/2026 03:00 EAT).",
      "⚠️ The Paybill account is DK-7F3K2, not DK-4ZTE5.",
      "⚠️ The SMS tells of money the shopper received, not money they paid.",
    ]);
  });

  it("says what M-Pesa answered about the code, when it was asked", () => {
    const proof = smsProof(SMS.paybill, {
      flags: ["code_paid_other_order", "not_received"],
      reusedFromOrderRef: "DK-7F3K2",
    });
    const warnings = proofNotification(order, proof, "en")
      .text.split("\n")
      .filter((line) => line.startsWith("⚠️"));
    expect(warnings).toEqual([
      "⚠️ M-Pesa confirmed code UL3XDEMO7Q to your Paybill or Till, and that money already paid order DK-7F3K2.",
      "⚠️ M-Pesa has no completed payment with code UL3XDEMO7Q at the Paybill or Till Duka watches: check where it was paid.",
    ]);
  });

  it("leaves a photo receipt's alert as it was: the photo attached", () => {
    const photo = makeProof({ orderId: order._id, orderRef: order.ref });
    const reply = proofNotification(order, photo, "en");
    expect(reply.media).toEqual({ mediaId: photo.mediaId, mimeType: "image/jpeg" });
    expect(reply.text).toContain("🧾 New receipt for *DK-4ZTE5*");
  });
});
