/**
 * Issue 12, "Many processes": 2 × web, 2 × worker and 1 × telegram (polling) as OS processes over
 * one MongoDB-wire store and one Redis, behind a round-robin balancer at PUBLIC_URL. Purchases
 * (RELIABILITY_PURCHASES: 500 at full scale, 12 otherwise) across the three payment paths; exactly one settlement and
 * one confirmation each; a Paystack key rotation through web-1 seen by every process.
 * The embedded store is single-process: the store is MONGODB_URI, or a FerretDB the rig starts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/free-port.js";
import { DEFAULT_PUBLIC_KEY, DEFAULT_SECRET_KEY } from "../../../sandbox/paystack/index.js";
import { tinyJpeg } from "../../../sandbox/sample-files.js";
import type { TelegramUser } from "../../../sandbox/telegram/index.js";
import { multiProcessStoreAvailable } from "../harness/ferretdb.js";
import { type Balancer, NEEDS_MONGODB, startBalancer, waitDrained } from "../harness/processes.js";
import { SCALE } from "../harness/scale.js";
import {
  ADMIN_TOKEN,
  clusterInvariants,
  confirmationsOf,
  orderByCard,
  orderByMpesa,
  orderByTransfer,
  providerInstances,
  type Rig,
  startRig,
  webhookUrl,
} from "./rig.js";

// 500 at full scale (passed on two cores over CI's FerretDB build in 5 minutes), 12 in CI.
const PURCHASES = Number(process.env.RELIABILITY_PURCHASES ?? (SCALE === 1 ? 500 : 12));
/** Shoppers in the middle of a purchase at once. */
const CONCURRENCY = 25;
const SECOND_ACCOUNT = {
  secretKey: "sk_test_rotated0000000000000001",
  publicKey: "pk_test_rotated0000000000000001",
};

type Path = "manual" | "mpesa" | "paystack";
const PATHS: readonly Path[] = ["manual", "mpesa", "paystack"];

describe.skipIf(!multiProcessStoreAvailable())(`many processes (${NEEDS_MONGODB})`, () => {
  let rig: Rig;
  let balancer: Balancer;
  let webPorts: number[];

  beforeAll(async () => {
    rig = await startRig(
      {},
      {
        accounts: [
          { secretKey: DEFAULT_SECRET_KEY, publicKey: DEFAULT_PUBLIC_KEY, currency: "KES" },
          { ...SECOND_ACCOUNT, currency: "KES" },
        ],
        // Paystack's compressed retry schedule (reliability.md §4.0).
        webhookRetry: { delaysMs: [3_000, 3_000, 3_000, 3_000, 10_000], timeoutMs: 5_000, ack: "2xx" },
      },
      { multiProcess: true },
    );
    webPorts = [await freePort(), await freePort()];
    // Workers first: start-up order is free (see startup-order.test.ts).
    await Promise.all([rig.cluster.start("worker"), rig.cluster.start("worker")]);
    await Promise.all(webPorts.map((port) => rig.cluster.start("web", { port })));
    await rig.cluster.start("telegram");
    balancer = await startBalancer(rig.publicPort, webPorts);
    const url = await webhookUrl(rig.publicPort, "paystack");
    rig.paystack.setWebhookUrl(url);
    // The account the key rotation moves to sends its events to the same instance.
    rig.paystack.setWebhookUrl(url, SECOND_ACCOUNT.publicKey);
  });

  afterAll(async () => {
    await balancer?.close();
    await rig?.close();
  });

  async function purchase(index: number): Promise<{ shopper: TelegramUser; ref: string; path: Path }> {
    const path = PATHS[index % PATHS.length]!;
    const shopper = rig.telegram.user({ id: 500_000 + index, firstName: `Buyer${index}` });
    let ref: string;
    if (path === "paystack") {
      const order = await orderByCard(shopper);
      ref = order.ref;
      await rig.paystack.pay(order.accessCode);
    } else if (path === "mpesa") {
      const phone = `2547${String(10_000_000 + index).slice(-8)}`;
      ref = await orderByMpesa(shopper, phone);
      const push = await rig.daraja.nextPush({ phone, timeoutMs: 30_000 });
      rig.daraja.complete(push.checkoutRequestId, { resultCode: 0 });
    } else {
      // Bytes of its own per receipt: the same image twice is a reused proof (R06).
      const receipt = Buffer.concat([tinyJpeg(), Buffer.from(`receipt ${index}`)]);
      ref = await orderByTransfer(shopper, receipt);
      rig.merchant.sendText(`/confirm ${ref}`);
    }
    await shopper.nextMessage(/confirmed/, { timeoutMs: 180_000 });
    return { shopper, ref, path };
  }

  it(`settles ${PURCHASES} purchases exactly once each, webhooks spread over both web processes`, async () => {
    const started = Date.now();
    const done: Awaited<ReturnType<typeof purchase>>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PURCHASES) done.push(await purchase(next++));
      }),
    );
    await waitDrained(rig.cluster, 120_000, ["settle"]);
    const report = await clusterInvariants(
      rig,
      done.map((purchase) => purchase.ref),
    );
    const duplicates = done.filter(({ shopper, ref }) => confirmationsOf(shopper, ref) !== 1);
    const [first, second] = webPorts.map((port) => balancer.forwarded.get(port) ?? 0);
    console.log(
      `many processes (2 web, 2 worker, 1 telegram) ×${PURCHASES}: ${report.paidOnce}/${PURCHASES} settled once, ${duplicates.length} confirmation anomalies, webhooks ${first}/${second} per web, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    expect(report.broken).toEqual([]);
    expect(report.paidOnce).toBe(PURCHASES);
    expect(report.unprocessedInbox).toBe(0);
    expect(duplicates.map(({ ref }) => ref)).toEqual([]);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
  });

  it("a Paystack key rotation through web-1 is seen by every process within 2 s", async () => {
    const [paystack] = (await providerInstances(webPorts[0]!)).filter(
      (instance) => instance.plugin === "paystack",
    );
    const body = JSON.stringify({
      event: "charge.success",
      data: { id: 1, reference: "not-ours-rotation", amount: 6000, currency: "KES", status: "success" },
    });
    const signedWithNewKey = rig.paystack.sign(body, SECOND_ACCOUNT.publicKey);
    const rotated = await fetch(`http://127.0.0.1:${webPorts[0]}/admin/api/providers/${paystack!.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      // The rig's key is a test key (sk_test_…): it is in the instance's test set, which test mode uses.
      body: JSON.stringify({ testConfig: { secretKey: SECOND_ACCOUNT.secretKey } }),
    });
    expect(rotated.status).toBe(200);
    const swappedAt = Date.now();
    // Each web process accepts the new key's signature once it has seen the change.
    const seenAfter = await Promise.all(
      webPorts.map(async (port) => {
        for (;;) {
          const answer = await fetch(`http://127.0.0.1:${port}/webhooks/paystack/${paystack!.id}`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-paystack-signature": signedWithNewKey },
            body,
          });
          if (answer.status === 200) return (Date.now() - swappedAt) / 1000;
          expect(answer.status).toBe(401);
          if (Date.now() - swappedAt > 5_000) return Number.POSITIVE_INFINITY;
        }
      }),
    );
    // The telegram process starts the next card payment, and a worker verifies it, on the new key.
    const shopper = rig.telegram.user({ id: 599_999, firstName: "AfterSwap" });
    const order = await orderByCard(shopper);
    const telegramSeenAfter = (Date.now() - swappedAt) / 1000;
    expect(rig.paystack.transaction(order.accessCode, SECOND_ACCOUNT.publicKey)).toBeDefined();
    await rig.paystack.pay(order.accessCode);
    await shopper.nextMessage(/confirmed/, { timeoutMs: 30_000 });
    console.log(
      `provider hot swap: web-1 ${seenAfter[0]!.toFixed(2)} s, web-2 ${seenAfter[1]!.toFixed(2)} s, telegram by ${telegramSeenAfter.toFixed(2)} s, workers settled on the new key`,
    );
    expect(Math.max(...seenAfter)).toBeLessThanOrEqual(2);
  });
});
