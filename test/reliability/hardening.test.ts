/**
 * R25–R29 (reliability.md §4 F): the network edge, malformed payloads, merchant command
 * authorisation, proof uploads, and secrets and PII at rest and in logs. One shop serves all of
 * them (Telegram in webhook mode, so the Telegram webhook is a public endpoint to fuzz); R29 runs
 * last and reads everything the others left behind.
 *
 * Duka's vocabulary against the plan's: the Daraja allowlist is `MPESA_CALLBACK_IPS`, trust proxy
 * is `TRUST_PROXY` (a hop count); "already confirmed" is Duka's merchant reply "*DK-…* was already
 * confirmed. Nothing changed."; the audit log's confirmation entry is `payment.confirmed`.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
} from "../../sandbox/daraja/index.js";
import { DEFAULT_SECRET_KEY } from "../../sandbox/paystack/index.js";
import { tinyJpeg, tinyPdf, tinyPng } from "../../sandbox/sample-files.js";
import type { ChatMessage, TelegramUser } from "../../sandbox/telegram/index.js";
import { createSecretBox, SecretKeyError } from "../../src/payments/registry/secrets.js";
import { button, MERCHANT_ID, orderByTransfer } from "../helpers/shop.js";
import { assertInvariants, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { hostileBodies, hostileFiles } from "./harness/payloads.js";
import { quantile, report, target } from "./harness/report.js";
import { scaled } from "./harness/scale.js";
import { ADMIN_TOKEN, type ReliabilityShop, startReliabilityShop } from "./harness/shop.js";
import { postFrom, type SourcedAnswer } from "./harness/source-address.js";
import { pool, waitUntil } from "./harness/wait.js";

/** The one address on the Daraja allowlist, and two that are not (see source-address.ts). */
const SAFARICOM = "127.9.9.9";
const STRANGER = "127.5.5.5";
const PROXY = "127.0.0.1";
const TELEGRAM_SECRET = "tg-webhook-secret_R26-0123456789";
const MASTER_KEY = randomBytes(32);
const MSISDN = /\b(?:254|255|256|233|234)\d{9,10}\b/g;

const allowlisted = (extra: Record<string, string> = {}) =>
  startReliabilityShop({
    env: {
      MPESA_CALLBACK_IPS: SAFARICOM,
      DUKA_MASTER_KEY: MASTER_KEY.toString("base64"),
      // The fuzz and the upload runs send far more than a person would from one chat.
      MESSAGE_LIMIT: "10000",
      ...extra,
    },
  });

let rel: ReliabilityShop;
let telegramUrl: string;
/** The Daraja callback URL with its real token (from a push Duka started). */
let darajaUrl: string;
/** Every answer the fuzz and the refusals got, for R29's leak check. */
const answers: string[] = [];
/** Logs of shops stopped before R29. */
const earlierLogs: string[] = [];

beforeAll(async () => {
  rel = await allowlisted({ TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET });
  telegramUrl = `${rel.baseUrl}/webhooks/telegram`;
  await rel.placeOrders(1, "mobile_money");
  darajaUrl = (await rel.daraja.nextPush()).callBackUrl;
});

afterAll(async () => {
  await rel.stop();
});

/** Places `count` M-Pesa orders and has each shopper pay; returns the callbacks Daraja would POST. */
async function paidCallbacks(shop: ReliabilityShop, count: number) {
  const orders = await shop.placeOrders(count, "mobile_money");
  const callbacks = orders.map((order) => {
    // "drop": the emulator records the payment but POSTs nothing; the test sends the bytes itself.
    const push = shop.daraja.complete(order.providerRef, { resultCode: 0, delivery: "drop" });
    return { url: push.callBackUrl, body: JSON.stringify(push.result!.callback) };
  });
  return { orders, callbacks };
}

/** Sends spoofed copies (all must be 403, nothing settles), then the genuine ones (all settle). */
async function allowlistRound(
  shop: ReliabilityShop,
  count: number,
  spoof: (url: string, body: string) => Promise<SourcedAnswer>,
  genuine: (url: string, body: string) => Promise<SourcedAnswer>,
) {
  const { orders, callbacks } = await paidCallbacks(shop, count);
  const spoofed = await pool(callbacks, 10, ({ url, body }) => spoof(url, body));
  answers.push(...spoofed.map((answer) => answer.text));
  const afterSpoof = await measureInvariants(shop, orders, new Set());
  const accepted = await pool(callbacks, 10, ({ url, body }) => genuine(url, body));
  await waitForDrain(
    shop,
    orders.map((order) => order.chatId),
    60_000,
  );
  const figures = await measureInvariants(shop, orders, new Set(orders.map((order) => order.orderId)));
  return {
    forbidden: spoofed.filter((answer) => answer.status === 403).length,
    spoofSettled: afterSpoof.settledOnce + afterSpoof.doubleSettled,
    accepted: accepted.filter((answer) => answer.status === 200).length,
    figures,
  };
}

describe("F. security: the edge, payloads, merchants, uploads, secrets", () => {
  /*
   * reliability.md sends from network namespaces (10.9.9.9 spoofing 52.31.139.75). Namespaces need
   * privileges a developer machine may not have, so the test uses real source addresses from the
   * loopback range instead: Linux answers all of 127.0.0.0/8 on lo, and a client socket bound to
   * 127.9.9.9 is, to the server, a peer at 127.9.9.9. The allowlist is set to that address.
   * TRUST_PROXY=1 has the proxy at 127.0.0.1: its X-Forwarded-For is the one a proxy writes (the
   * client's forged value, then the address the proxy saw).
   */
  it("R25 IP allowlist and proxy spoofing: spoofed sources refused, genuine ones settle; trust proxy both ways", async () => {
    const count = scaled(100, 20);
    const direct = await allowlistRound(
      rel,
      count,
      (url, body) =>
        postFrom(STRANGER, url, body, { "content-type": "application/json", "x-forwarded-for": SAFARICOM }),
      (url, body) => postFrom(SAFARICOM, url, body, { "content-type": "application/json" }),
    );
    const proxied = await allowlisted({ TRUST_PROXY: "1" });
    let behindProxy: Awaited<ReturnType<typeof allowlistRound>>;
    try {
      behindProxy = await allowlistRound(
        proxied,
        count,
        (url, body) =>
          postFrom(PROXY, url, body, {
            "content-type": "application/json",
            "x-forwarded-for": `${SAFARICOM}, ${STRANGER}`,
          }),
        (url, body) =>
          postFrom(PROXY, url, body, { "content-type": "application/json", "x-forwarded-for": SAFARICOM }),
      );
    } finally {
      earlierLogs.push(proxied.logs.text());
      await proxied.stop();
    }
    report(
      `R25 allowlist ×${count} per mode: TRUST_PROXY=0 spoofed (from ${STRANGER}, X-Forwarded-For ${SAFARICOM}) ` +
        `${direct.forbidden}/${count}×403, ${direct.spoofSettled} settled; genuine (from ${SAFARICOM}) ${direct.accepted}/${count} accepted, ` +
        `${direct.figures.settledOnce} settled once; TRUST_PROXY=1 spoofed (X-Forwarded-For "${SAFARICOM}, ${STRANGER}") ` +
        `${behindProxy.forbidden}/${count}×403, ${behindProxy.spoofSettled} settled; genuine via proxy ${behindProxy.accepted}/${count} accepted, ` +
        `${behindProxy.figures.settledOnce} settled once`,
    );
    for (const round of [direct, behindProxy]) {
      expect(round.forbidden).toBe(count);
      expect(round.spoofSettled).toBe(0);
      expect(round.accepted).toBe(count);
      assertInvariants(round.figures, count);
    }
  });
});
