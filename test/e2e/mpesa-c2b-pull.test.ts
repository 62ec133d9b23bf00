/**
 * The reconcile path when a Daraja C2B confirmation never arrives, end to end: the real grammY bot
 * and emulated Telegram, the mpesa-c2b plugin registering its URLs and Pull Transactions at start,
 * a shopper paying a Paybill whose confirmation Daraja drops, and the scheduled pull (its job run
 * by the worker) settling the order through the same inbox and settle job as a confirmation.
 */
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  c2bEnv,
  createDarajaEmulator,
  type DarajaEmulator,
  SANDBOX_SHORTCODE,
} from "../../sandbox/daraja/index.js";
import { freePort } from "../../sandbox/free-port.js";
import {
  checkoutWith,
  confirmedAndSettled,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

const NOMINATED = "254722000111";
let daraja: DarajaEmulator;
let shop: TestShop;
let maintenance: Queue;
let maintenanceEvents: QueueEvents;
const connections: Redis[] = [];

beforeAll(async () => {
  daraja = await createDarajaEmulator();
  const port = await freePort();
  shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...c2bEnv(daraja),
      MPESA_C2B_PULL_NOMINATED_NUMBER: NOMINATED,
    },
    reconcileDelaysMs: [120_000],
  });
  const { url } = shop.config.redis;
  const { prefix } = shop.config.queue;
  connections.push(
    new Redis(url, { maxRetriesPerRequest: null }),
    new Redis(url, { maxRetriesPerRequest: null }),
  );
  maintenance = new Queue("maintenance", { connection: connections[0]!, prefix });
  maintenanceEvents = new QueueEvents("maintenance", { connection: connections[1]!, prefix });
  await maintenanceEvents.waitUntilReady();
});

afterAll(async () => {
  await maintenanceEvents?.close();
  await maintenance?.close();
  await Promise.all(connections.map((connection) => connection.quit()));
  await shop?.stop();
  await daraja.close();
});

/** Runs the scheduled pull now, through the worker's maintenance queue; resolves when it finished. */
async function pullNow(): Promise<void> {
  const job = await maintenance.add("pull-received", {});
  await job.waitUntilFinished(maintenanceEvents, 30_000);
}

describe("M-Pesa Paybill whose confirmation never comes (Pull Transactions)", () => {
  it("registered the shortcode for Pull Transactions at start, with the nominated number", () => {
    expect(daraja.pullRegistration(SANDBOX_SHORTCODE)).toMatchObject({ nominatedNumber: NOMINATED });
    expect(daraja.pullRegistration(SANDBOX_SHORTCODE)?.callbackUrl).toMatch(/\/pull$/);
  });

  it("settles the order once from the pull, and a confirmation arriving later changes nothing", async () => {
    const shopper = shop.shopper(8701, "Akinyi");
    await checkoutWith(shopper, "Sukuma", 2, "M-Pesa Paybill");
    const ref = referenceIn(await shopper.nextMessage(/Pay Bill/));

    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345701", delivery: "drop" });
    expect(paid.deliveries).toEqual([]);
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    await pullNow();
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    expect(confirmed.text).toContain(paid.transId);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({ status: "succeeded", receipt: paid.transId });
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });

    // The confirmation Daraja dropped comes at last, and the next pull finds the payment again.
    const late = await daraja.redeliverConfirmation(paid.transId);
    expect(late.deliveries.at(-1)?.status).toBe(200);
    await pullNow();
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("keeps a pulled payment naming no order as an orphan, and tells the merchant", async () => {
    const paid = await daraja.payBill({
      account: "MY SHOP",
      amount: 45,
      phone: "0712345702",
      delivery: "drop",
    });
    await pullNow();
    const alert = await shop.merchant.nextMessage(/matches no order/);
    expect(alert.text).toContain(paid.transId);
  });
});
