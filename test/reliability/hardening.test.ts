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
import { randomBytes } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
} from "../../sandbox/daraja/index.js";
import { DEFAULT_SECRET_KEY } from "../../sandbox/paystack/index.js";
import { jpegWithGps, tinyJpeg, tinyPdf, tinyPng } from "../../sandbox/sample-files.js";
import type { ChatMessage, TelegramUser } from "../../sandbox/telegram/index.js";
import { createSecretBox, SecretKeyError } from "../../src/payments/registry/secrets.js";
import { MERCHANT_ID, orderByTransfer } from "../helpers/shop.js";
import { HTML, photo, pixelBomb, SVG, ZIP_TAIL } from "./harness/hostile-files.js";
import { assertInvariants, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { peakRssDuring, settledHeap, settledRss } from "./harness/memory.js";
import { generatedBodies, type HostileBody, handCases, hostileFiles } from "./harness/payloads.js";
import { redisText } from "./harness/redis-dump.js";
import { replyText } from "./harness/replies.js";
import { quantile, report, target } from "./harness/report.js";
import { SCALE, scaled } from "./harness/scale.js";
import { ADMIN_TOKEN, type ReliabilityShop, startReliabilityShop } from "./harness/shop.js";
import { postFrom, type SourcedAnswer } from "./harness/source-address.js";
import { pool } from "./harness/wait.js";

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

/** The clear answers R26 allows: acknowledged, or a 4xx that says what was wrong. */
const CLEAR = new Set([200, 400, 401, 403, 404, 413, 415, 422]);

/** What the shopper is told when a receipt is refused (src/payments/manual/receipt.ts, proof-intake.ts). */
const REFUSED =
  /not a photo or a PDF|could not open that|too large|was empty|could not download|could not read that file/;

/** The shopper's answer to a receipt (update `updateId`): kept, refused with its reason, or neither. */
async function receiptAnswer(shopper: TelegramUser, updateId: number): Promise<"kept" | "refused" | "other"> {
  const text = await replyText(rel, shopper.chatId, updateId).catch(() => "");
  if (REFUSED.test(text)) return "refused";
  return /merchant/.test(text) ? "kept" : "other";
}

/** Shoppers with an order waiting for a transfer receipt. */
function shoppersWaitingForProof(first: number, count: number) {
  return pool(
    Array.from({ length: count }, (_, index) => first + index),
    10,
    async (id) => {
      const shopper = rel.shop.shopper(id, "Amina");
      const { ref } = await orderByTransfer(shopper, "Sukuma");
      return { shopper, ref };
    },
  );
}

/** The proof intake has no HTTP face: fuzzed files go through the chat, as photos and documents. */
async function fuzzProofIntake(count: number) {
  const waiting = await shoppersWaitingForProof(881_000, 8);
  const files = hostileFiles([tinyJpeg(), tinyPng(), tinyPdf()], count, 4242);
  const outcomes = { total: files.length, accepted: 0, refused: 0, unanswered: 0 };
  await pool(waiting, waiting.length, async ({ shopper }, lane) => {
    for (let index = lane; index < files.length; index += waiting.length) {
      const bytes = files[index]!;
      const updateId =
        index % 3 === 0
          ? shopper.sendDocument(bytes, { fileName: `receipt-${index}.jpg`, mimeType: "image/jpeg" })
          : shopper.sendPhoto(bytes);
      const answer = await receiptAnswer(shopper, updateId);
      if (answer === "kept") outcomes.accepted++;
      else if (answer === "refused") outcomes.refused++;
      else outcomes.unanswered++;
    }
  });
  return outcomes;
}

/** Files under the shop's data directory that are neither the store's own files nor stored media. */
async function filesOutsideStorage(dataDir: string): Promise<string[]> {
  const media = resolve(dataDir, "media");
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => resolve(entry.parentPath, entry.name))
    .filter((path) => !path.startsWith(`${media}/`) && !path.startsWith(`${resolve(dataDir, "store")}/`));
}

/** file_ids of the uploads these shoppers declared bigger than the cap. */
function overCapFileIds(shoppers: readonly TelegramUser[], maxBytes: number): string[] {
  return shoppers.flatMap((shopper) =>
    shopper
      .history()
      .filter(
        (message: ChatMessage) => message.direction === "user" && (message.media?.fileSize ?? 0) > maxBytes,
      )
      .map((message) => message.media!.fileId),
  );
}

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

  /*
   * Which answer each input gets, by Duka's design: a Paystack body without a valid signature is
   * 401 before any parsing; a Daraja or Paystack body that is authentic but not the provider's
   * shape is 400 ("bad_request"); over the plugin's limit (64 kB) is 413; an authentic body that
   * has the shape but names nothing Duka started, or is an event Duka does not act on, is
   * acknowledged with 200 and recorded as ignored (providers retry anything else, and replays must
   * not be told apart, DESIGN §4). Telegram: a wrong or missing secret is 401; unreadable JSON is
   * 400, over 256 kB is 413; an update with the right secret is acknowledged with 200 whatever it
   * holds (grammY's webhook contract: Telegram would otherwise redeliver it). The webhooks take any
   * Content-Type (Duka reads raw bytes; providers are not consistent about it), so none is 415.
   */
  it("R26 malformed-payload fuzz: no 5xx, no crash, clear 4xx, prototype intact", async () => {
    const perEndpoint = scaled(10_000, 500);
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on("unhandledRejection", onUnhandled);
    process.on("uncaughtException", onUnhandled);
    const fuzzShopper = rel.shop.shopper(880_001, "Fuzz");
    const endpoints = [
      {
        name: "paystack",
        url: rel.paystackWebhookUrl,
        from: PROXY,
        sample: {
          event: "charge.success",
          data: { id: 4_000_001, status: "success", reference: "fuzz-ref", amount: 6000, currency: "KES" },
        },
        // Half the inputs carry the right signature, so they reach the parser.
        headers: (body: Buffer, index: number): Record<string, string> =>
          index % 2 === 0 ? { "x-paystack-signature": rel.paystack.sign(body) } : {},
      },
      {
        name: "daraja",
        url: darajaUrl,
        from: SAFARICOM,
        sample: {
          Body: {
            stkCallback: {
              MerchantRequestID: "29115-1",
              CheckoutRequestID: "ws_CO_FUZZ_1",
              ResultCode: 0,
              ResultDesc: "The service request is processed successfully.",
              CallbackMetadata: {
                Item: [
                  { Name: "Amount", Value: 60 },
                  { Name: "MpesaReceiptNumber", Value: "RKX00FUZZ1" },
                  { Name: "PhoneNumber", Value: 254700000001 },
                ],
              },
            },
          },
        },
        headers: (): Record<string, string> => ({}),
      },
      {
        name: "telegram",
        url: telegramUrl,
        from: PROXY,
        sample: {
          update_id: 77_000_001,
          message: {
            message_id: 1,
            date: 1_700_000_000,
            chat: { id: fuzzShopper.chatId, type: "private", first_name: "Fuzz" },
            from: { id: fuzzShopper.id, is_bot: false, first_name: "Fuzz" },
            text: "/help",
          },
        },
        headers: (_body: Buffer, index: number): Record<string, string> =>
          index % 2 === 0 ? { "x-telegram-bot-api-secret-token": TELEGRAM_SECRET } : {},
      },
    ];
    const latencies: number[] = [];
    const statuses = endpoints.map(() => new Map<string, number>());
    let serverErrors = 0;
    let unclear = 0;
    const send = (which: number, inputs: readonly HostileBody[]) =>
      pool(inputs, 8, async (input, index) => {
        const endpoint = endpoints[which]!;
        const headers = {
          ...(input.contentType === undefined ? {} : { "content-type": input.contentType }),
          ...endpoint.headers(input.body, index),
        };
        const answer = await postFrom(endpoint.from, endpoint.url, input.body, headers);
        latencies.push(answer.ms);
        if (answer.status !== 200) answers.push(answer.text);
        if (answer.status >= 500 || answer.status === 0) serverErrors++;
        if (!CLEAR.has(answer.status)) unclear++;
        const seen = statuses[which]!;
        seen.set(String(answer.status), (seen.get(String(answer.status)) ?? 0) + 1);
        if (!/^(mutated|arbitrary)/.test(input.kind)) seen.set(`${input.kind}→${answer.status}`, 0);
      });
    const started = performance.now();
    // Each hand case twice, at an even and an odd index: once signed (or with the secret), once not.
    const hand = endpoints.map((endpoint) => handCases(endpoint.sample).flatMap((input) => [input, input]));
    // Generated a few hundred at a time: holding ten thousand bodies at once would itself be growth.
    const chunks = endpoints.map((_, which) => {
      const total = perEndpoint - hand[which]!.length;
      return Array.from({ length: Math.ceil(total / 250) }, (_, k) => ({
        which,
        seed: 2026 * (which + 1) + k,
        size: Math.min(250, total - k * 250),
      }));
    });
    const sendChunk = ({ which, seed, size }: { which: number; seed: number; size: number }) =>
      send(which, generatedBodies(endpoints[which]!.sample, size, seed));
    // Warm-up: the hand cases (three 10 MB bodies among them) and a first chunk per endpoint. V8
    // sizes its heap in that first burst and keeps it; growth is what the rest adds after it.
    for (const which of endpoints.keys()) await send(which, hand[which]!);
    for (const perEndpointChunks of chunks) await sendChunk(perEndpointChunks[0]!);
    const rssBefore = settledRss();
    const heapBefore = settledHeap();
    for (const chunk of chunks.flatMap((perEndpointChunks) => perEndpointChunks.slice(1)))
      await sendChunk(chunk);
    const httpSeconds = (performance.now() - started) / 1000;
    // The growth held to the limit is the webhooks'. The chat receipts that follow are kept by the Telegram
    // emulator and the embedded store in this same process (and libvips keeps its bounded cache),
    // so the figure with them is printed, not held to the limit.
    const httpGrowthMb = (settledRss() - rssBefore) / 1024 / 1024;
    const httpHeapGrowthMb = (settledHeap() - heapBefore) / 1024 / 1024;
    // Each receipt goes through the chat (download, sniff, decode): scaled twice, so CI runs a
    // fraction of the HTTP figure and `npm run soak` the full 10,000.
    const proofs = await fuzzProofIntake(Math.max(200, Math.round(perEndpoint * SCALE)));
    const rssGrowthMb = (settledRss() - rssBefore) / 1024 / 1024;
    const health = await fetch(`${rel.baseUrl}/healthz`);
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
    const polluted = Object.keys(Object.prototype).length + ("polluted" in {} ? 1 : 0);
    const lines = endpoints.map(
      (endpoint, which) =>
        `${endpoint.name} ${[...statuses[which]!].map(([key, n]) => (n === 0 ? key : `${n}×${key}`)).join(" ")}`,
    );
    report(
      `R26 fuzz ×${perEndpoint} per endpoint: ${serverErrors} ≥500, ${unclear} unclear, ${unhandled.length} crashes, ` +
        `${target("p99", quantile(latencies, 0.99), 200)}, heap kept after warm-up ${httpHeapGrowthMb.toFixed(0)} MB, ${target("RSS growth", httpGrowthMb, 50, "MB")} (${rssGrowthMb.toFixed(0)} MB with the chat receipts), HTTP part ${httpSeconds.toFixed(0)} s, ` +
        `Object.prototype ${polluted === 0 ? "clean" : "POLLUTED"}; ${lines.join("; ")}; ` +
        `proof intake ×${proofs.total}: ${proofs.accepted} kept, ${proofs.refused} refused with a reason, ${proofs.unanswered} unanswered`,
    );
    expect(serverErrors).toBe(0);
    expect(unclear).toBe(0);
    expect(unhandled).toEqual([]);
    expect(health.status).toBe(200);
    // A leak keeps heap; RSS (printed against the same 50 MB) also holds what the allocator has
    // not handed back after the 10 MB bodies, at its own pace.
    expect(httpHeapGrowthMb).toBeLessThan(50);
    expect(polluted).toBe(0);
    expect(proofs.unanswered).toBe(0);
    expect(proofs.accepted + proofs.refused).toBe(proofs.total);
  });

  /*
   * Duka accepts merchant input only from the stored numeric chat ids (MERCHANT_CHAT_IDS) in a
   * private chat (src/bot/telegram/normalize.ts, src/shop/inbound-router.ts). Answered refusals
   * ("Only the shop's staff…") go to non-merchant chats; group-chat and edited-message updates are
   * dropped unanswered, so they are posted straight to the webhook with the right secret (as if
   * Telegram had delivered them despite allowed_updates), which answers once the bot handled them.
   * The test merchant has no username; the impostor carries the merchant's first name and a
   * username. Genuine taps press the Confirm button's data (`m:ok:<REF>`, merchant-messages.ts).
   * Audit: Duka writes `payment.confirmed` once per confirmed payment and nothing for a refused
   * attempt, by design: a stranger's message is not an action on the shop, and an append-only
   * log anyone can write to is a resource to exhaust (API4). Refusals are in the logs instead
   * ("merchant input", merchant: false), counted here. So the plan's 1,100 entries are N here.
   */
  it("R27 merchant command authorisation: impostors change nothing; each genuine confirmation applies once", async () => {
    const count = scaled(100, 20);
    const attempts = scaled(1000, 200);
    const waiting = await shoppersWaitingForProof(882_000, count);
    const refs = await pool(waiting, 10, async ({ shopper, ref }, index) => {
      const photo = await sharp({
        create: { width: 4, height: 4, channels: 3, background: { r: index % 256, g: 7, b: 99 } },
      })
        .png()
        .toBuffer();
      expect(await receiptAnswer(shopper, shopper.sendPhoto(photo))).toBe("kept");
      return ref;
    });
    const { emulator, merchant } = rel.shop;
    const intruder = rel.shop.shopper(883_001, "Mallory");
    const impostor = emulator.user({
      id: 883_002,
      firstName: merchant.profile.firstName,
      username: "Baraka",
    });
    const group = { id: -100_883_003, type: "supergroup", title: "Duka staff" };
    let groupUpdate = 990_000_000;
    const direct = async (update: Record<string, unknown>) => {
      const answer = await postFrom(
        PROXY,
        telegramUrl,
        JSON.stringify({ update_id: groupUpdate++, ...update }),
        {
          "content-type": "application/json",
          "x-telegram-bot-api-secret-token": TELEGRAM_SECRET,
        },
      );
      return answer.status === 200 ? "ignored" : `HTTP ${answer.status}`;
    };
    const command = (text: string, chat: unknown, from: unknown) => ({
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.indexOf(" ") }],
    });
    const KINDS = ["stranger", "impostor", "forwarded", "group", "edited", "replayed-button"] as const;
    const outcomes = new Map<string, number>();
    await pool(
      Array.from({ length: attempts }, (_, index) => index),
      8,
      async (index) => {
        const ref = refs[index % refs.length]!;
        const kind = KINDS[index % KINDS.length]!;
        const text = index % 2 === 0 ? `/confirm ${ref}` : `/reject ${ref} fake receipt`;
        let answer: string;
        if (kind === "stranger") answer = await replyText(rel, intruder.chatId, intruder.sendText(text));
        else if (kind === "impostor") answer = await replyText(rel, impostor.chatId, impostor.sendText(text));
        else if (kind === "forwarded") {
          const update = intruder.sendRawUpdate({
            message: {
              ...command(text, intruder.chat, intruder.user),
              forward_origin: { type: "user", sender_user: merchant.user, date: 1_700_000_000 },
              forward_from: merchant.user,
            },
          });
          answer = await replyText(rel, intruder.chatId, update);
        } else if (kind === "group") {
          answer =
            index % 4 === 3
              ? await direct({
                  callback_query: {
                    id: `q-${index}`,
                    from: merchant.user,
                    chat_instance: "1",
                    data: `m:ok:${ref}`,
                    message: { message_id: 1, date: 1, chat: group },
                  },
                })
              : await direct({ message: command(text, group, merchant.user) });
        } else if (kind === "edited") {
          answer = await direct({
            edited_message: {
              ...command(text, merchant.chat, merchant.user),
              edit_date: Math.floor(Date.now() / 1000),
            },
          });
        } else
          answer = await replyText(
            rel,
            intruder.chatId,
            intruder.pressButton(0, `m:ok:${ref}`, { force: true }),
          );
        const verdict = answer.startsWith("Only the shop's staff") ? "refused" : answer;
        outcomes.set(`${kind} ${verdict}`, (outcomes.get(`${kind} ${verdict}`) ?? 0) + 1);
      },
    );
    const { store } = rel.shop.duka;
    const tenantId = rel.shop.config.tenantId;
    const untouched = async () => {
      let changed = 0;
      for (const ref of refs) {
        const order = await store.orders.findByRef(tenantId, ref);
        const payment = await store.payments.findById(tenantId, order!.paymentId!);
        const proof = await store.proofs.findPendingByOrder(tenantId, order!._id);
        if (order?.status !== "awaiting_payment" || payment?.status !== "under_review" || !proof) changed++;
      }
      return changed;
    };
    const changedByAttempts = await untouched();
    const auditOf = (action: string) =>
      store.audit
        .list(tenantId, { action }, 1_000_000)
        .then((entries) => entries.filter((entry) => refs.includes(entry.orderRef ?? "")));
    const auditAfterAttempts =
      (await auditOf("payment.confirmed")).length + (await auditOf("proof.rejected")).length;

    // The merchant double-taps Confirm under every receipt.
    const taps = await pool(refs, 4, async (ref) => {
      const first = merchant.pressButton(0, `m:ok:${ref}`, { force: true });
      const second = merchant.pressButton(0, `m:ok:${ref}`, { force: true });
      return [await replyText(rel, MERCHANT_ID, first), await replyText(rel, MERCHANT_ID, second)];
    });
    const appliedOnce = taps.filter(([first]) => /confirmed\. The shopper/.test(first ?? "")).length;
    const alreadyConfirmed = taps.filter(([, second]) =>
      /was already confirmed\. Nothing changed/.test(second ?? ""),
    ).length;
    const confirmedAudit = await auditOf("payment.confirmed");
    const perRef = new Set(confirmedAudit.map((entry) => entry.orderRef));
    const paid = await pool(
      refs,
      8,
      async (ref) => (await store.orders.findByRef(tenantId, ref))?.status === "paid",
    );
    const refusalsLogged = rel.logs
      .entries()
      .filter((entry) => entry.msg === "merchant input" && entry.merchant === false).length;
    report(
      `R27 merchant authorisation: ${attempts} attempts on ${count} pending receipts (${[...outcomes]
        .map(([key, n]) => `${n}× ${key}`)
        .join(", ")}): ${changedByAttempts} state changes, ${auditAfterAttempts} audit entries; ` +
        `${count} genuine double taps: ${appliedOnce} applied, ${alreadyConfirmed} second taps "already confirmed", ` +
        `${paid.filter(Boolean).length} paid, ${confirmedAudit.length} payment.confirmed audit entries (${perRef.size} orders); ` +
        `refused attempts audited: 0 by design, ${refusalsLogged} logged as refused merchant input`,
    );
    const expected = new Map<string, number>();
    for (let index = 0; index < attempts; index++) {
      const kind = KINDS[index % KINDS.length]!;
      const key = `${kind} ${kind === "group" || kind === "edited" ? "ignored" : "refused"}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(expected));
    expect(changedByAttempts).toBe(0);
    expect(auditAfterAttempts).toBe(0);
    expect(appliedOnce).toBe(count);
    expect(alreadyConfirmed).toBe(count);
    expect(paid.every(Boolean)).toBe(true);
    expect(confirmedAudit).toHaveLength(count);
    expect(perRef.size).toBe(count);
    expect(refusalsLogged).toBeGreaterThanOrEqual(
      attempts - (expected.get("group ignored") ?? 0) - (expected.get("edited ignored") ?? 0),
    );
  });

  /*
   * Receipts are judged by their bytes (src/payments/manual/receipt.ts): JPEG, PNG, WebP and PDFs
   * that parse are kept (a bank's PDF statement is a receipt, by design); photos are re-encoded
   * (no EXIF, nothing appended survives); the header's pixel count is checked before decoding.
   * Stored media get generated ids in the media store; the name a shopper gave is never used.
   * The shop runs in the test process, whose RSS is already a few hundred MB, so the bomb's
   * criterion is read as the RSS the bomb adds at its peak (< 300 MB).
   */
  it("R28 proof-upload hardening: only images and parsing PDFs stored, re-encoded, no EXIF, bomb refused", async () => {
    const total = scaled(500, 100);
    const maxBytes = rel.shop.config.proofs.maxBytes;
    const bomb = pixelBomb();
    const [jpeg, png, gps] = await Promise.all([photo("jpeg", 1), photo("png", 2), jpegWithGps()]);
    expect((await sharp(gps).metadata()).exif).toBeDefined();
    const waiting = await shoppersWaitingForProof(884_000, 10);
    const passwdBefore = await stat("/etc/passwd");

    const [bomber] = waiting;
    const before = process.memoryUsage().rss;
    const { result: bombAnswer, peak } = await peakRssDuring(() =>
      replyText(
        rel,
        bomber!.shopper.chatId,
        bomber!.shopper.sendPhoto(bomb, { width: 20_000, height: 20_000 }),
      ),
    );
    const bombPeakMb = (peak - before) / 1024 / 1024;

    type Upload = { kind: string; send: (shopper: TelegramUser) => number; expect: "kept" | "refused" };
    const doc = (bytes: Buffer, fileName: string) => (shopper: TelegramUser) =>
      shopper.sendDocument(bytes, { fileName, mimeType: "image/jpeg" });
    const KINDS: Upload[] = [
      {
        kind: "over-cap",
        send: (shopper) => shopper.sendPhoto(jpeg, { fileSize: maxBytes + 1 }),
        expect: "refused",
      },
      { kind: "pdf.jpg", send: doc(tinyPdf(), "receipt.jpg"), expect: "kept" },
      { kind: "html.jpg", send: doc(HTML, "receipt.jpg"), expect: "refused" },
      { kind: "svg.jpg", send: doc(SVG, "receipt.jpg"), expect: "refused" },
      { kind: "jpeg+zip", send: doc(Buffer.concat([jpeg, ZIP_TAIL]), "receipt.jpg"), expect: "kept" },
      { kind: "../../etc/passwd", send: doc(jpeg, "../../etc/passwd"), expect: "kept" },
      { kind: "..\\..\\boot.ini", send: doc(png, "..\\..\\boot.ini"), expect: "kept" },
      { kind: "exif-gps", send: (shopper) => shopper.sendPhoto(gps), expect: "kept" },
      { kind: "valid-jpeg", send: (shopper) => shopper.sendPhoto(jpeg), expect: "kept" },
      { kind: "valid-png", send: doc(png, "receipt.png"), expect: "kept" },
    ];
    const outcomes = new Map<string, number>();
    await pool(waiting, waiting.length, async ({ shopper }, lane) => {
      for (let index = lane; index < total; index += waiting.length) {
        const upload = KINDS[index % KINDS.length]!;
        const answer = await receiptAnswer(shopper, upload.send(shopper));
        const key = `${upload.kind} ${answer}${answer === upload.expect ? "" : ` (expected ${upload.expect})`}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    });

    // What was stored: every receipt still pending review (nothing here was reviewed).
    const { store, config } = rel.shop.duka;
    const pending = await store.proofs.listPending(config.tenantId, 1_000_000);
    let nonImages = 0;
    let withExif = 0;
    let withTail = 0;
    for (const proof of pending) {
      const media = proof.mediaId ? await store.media.get(proof.mediaId) : null;
      const sniffed = media ? await fileTypeFromBuffer(media.bytes) : undefined;
      if (
        !media ||
        !sniffed ||
        !["image/jpeg", "image/png", "image/webp", "application/pdf"].includes(sniffed.mime)
      )
        nonImages++;
      else if (sniffed.mime.startsWith("image/")) {
        if ((await sharp(media.bytes).metadata()).exif) withExif++;
        if (media.bytes.includes(ZIP_TAIL.subarray(0, 4))) withTail++;
      }
    }
    const outside = await filesOutsideStorage(config.storage.dataDir);
    const passwdTouched = (await stat("/etc/passwd")).mtimeMs !== passwdBefore.mtimeMs;
    const overCapDownloads = overCapFileIds(
      waiting.map(({ shopper }) => shopper),
      maxBytes,
    ).filter((fileId) =>
      rel.shop.emulator.calls("getFile").some((call) => call.params.file_id === fileId),
    ).length;
    const wrong = [...outcomes].filter(([key]) => key.includes("expected")).reduce((n, [, c]) => n + c, 0);
    report(
      `R28 uploads ×${total} (${[...outcomes].map(([key, n]) => `${n}× ${key}`).join(", ")}): ${wrong} unexpected; ` +
        `${pending.length} stored, ${nonImages} not an image or PDF, ${withExif} with EXIF, ${withTail} with the ZIP tail, ` +
        `${outside.length} files outside the store, /etc/passwd ${passwdTouched ? "CHANGED" : "untouched"}, ` +
        `${overCapDownloads} over-cap files downloaded; 20,000² PNG bomb (${(bomb.length / 1024).toFixed(0)} kB) ` +
        `${REFUSED.test(bombAnswer) ? "refused" : "NOT refused"} ("${bombAnswer.slice(0, 60)}…"), ` +
        `RSS +${bombPeakMb.toFixed(0)} MB at its peak (${(peak / 1024 / 1024).toFixed(0)} MB in all)`,
    );
    expect(wrong).toBe(0);
    expect(nonImages).toBe(0);
    expect(withExif).toBe(0);
    expect(withTail).toBe(0);
    expect(outside).toEqual([]);
    expect(passwdTouched).toBe(false);
    expect(overCapDownloads).toBe(0);
    expect(bombAnswer).toMatch(/too large \(more than 40 megapixels\)/);
    expect(bombPeakMb).toBeLessThan(300);
  });

  /*
   * Last: reads what R25–R28 and a few paid card orders left in the logs (this shop's and the
   * TRUST_PROXY one's), in Redis under the shop's prefix (BullMQ jobs, dedupe and rate keys) and in
   * the error answers collected above. Secrets at rest: the Paystack instance's secret key as the
   * registry stored it (src/payments/registry/secrets.ts, AES-256-GCM under DUKA_MASTER_KEY).
   */
  it("R29 secrets and PII: none in logs, Redis or answers; stored secrets open only with the right key", async () => {
    const cards = await rel.placeOrders(5, "card");
    const authorizationCodes: string[] = [];
    for (const order of cards) {
      await rel.paystack.pay(order.providerRef);
      const data = rel.paystack.transactionData(order.providerRef) as {
        authorization?: { authorization_code?: string };
      };
      authorizationCodes.push(data.authorization!.authorization_code!);
      await rel.paystack.sendWebhook(order.providerRef, { url: rel.paystackWebhookUrl, retryDelaysMs: [] });
    }
    await waitForDrain(
      rel,
      cards.map((order) => order.chatId),
      60_000,
    );
    const secrets: Record<string, string> = {
      "Paystack secret key": DEFAULT_SECRET_KEY,
      "Daraja consumer key": DEFAULT_CONSUMER_KEY,
      "Daraja consumer secret": DEFAULT_CONSUMER_SECRET,
      "Daraja passkey": SANDBOX_PASSKEY,
      "Daraja callback token": darajaUrl.split("/").at(-1)!,
      "bot token": rel.shop.emulator.botToken,
      "Telegram webhook secret": TELEGRAM_SECRET,
      "admin token": ADMIN_TOKEN,
      "master key": MASTER_KEY.toString("base64"),
      ...Object.fromEntries(
        authorizationCodes.map((code, index) => [`authorization_code ${index + 1}`, code]),
      ),
    };
    const redis = await redisText(rel.shop.config.redis.url, rel.shop.config.queue.prefix);
    const places = {
      logs: [rel.logs.text(), ...earlierLogs].join("\n"),
      redis: redis.text,
      answers: answers.join("\n"),
    };
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const [name, secret] of Object.entries(secrets))
        if (text.includes(secret)) leaks.push(`${name} in ${place}`);
      for (const msisdn of new Set(text.match(MSISDN) ?? [])) leaks.push(`MSISDN ${msisdn} in ${place}`);
    }

    const [instance] = await rel.shop.duka.store.providers.list({ plugin: "paystack" });
    // A test key (sk_test_…) is seeded into the instance's test credential set.
    const stored = instance!.test!.secrets.secretKey!;
    const box = createSecretBox({ current: MASTER_KEY });
    const opened = box.decrypt(stored);
    const problemOf = (attempt: () => unknown) => {
      try {
        attempt();
        return "decrypted";
      } catch (error) {
        return error instanceof SecretKeyError ? error.problem : String(error);
      }
    };
    const wrongKey = problemOf(() => createSecretBox({ current: randomBytes(32) }).decrypt(stored));
    const fields = ["iv", "tag", "data"] as const;
    const tamperings = Array.from({ length: 100 }, (_, index) => {
      const field = fields[index % fields.length]!;
      const bytes = Buffer.from(stored[field], "base64");
      bytes[Math.floor(index / fields.length) % bytes.length]! ^= 1 + (index % 255);
      return problemOf(() => box.decrypt({ ...stored, [field]: bytes.toString("base64") }));
    });
    const failedTag = tamperings.filter((problem) => problem === "authentication_failed").length;
    report(
      `R29 secrets and PII: ${Object.keys(secrets).length} secrets and MSISDNs searched in ${(places.logs.length / 1024).toFixed(0)} kB of logs, ` +
        `${redis.keys} Redis keys, ${answers.length} error answers: ${leaks.length} found${leaks.length ? ` (${leaks.slice(0, 8).join("; ")})` : ""}; ` +
        `stored Paystack key opens with the right key: ${opened === DEFAULT_SECRET_KEY}, with a wrong key: ${wrongKey}; ` +
        `${failedTag}/100 one-byte tamperings fail the GCM tag check`,
    );
    expect(leaks).toEqual([]);
    expect(opened).toBe(DEFAULT_SECRET_KEY);
    expect(wrongKey).toBe("unknown_key");
    expect(failedTag).toBe(100);
  });
});
