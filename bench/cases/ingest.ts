/**
 * Paystack webhook ingest: Duka's `web` role (verify the signature, record the event in the inbox
 * durably, queue the settle job, answer) against a naive handler doing the least any handler must
 * (raw body, HMAC-SHA512, JSON.parse, one BullMQ add). Every request is a new, correctly signed
 * charge.success event.
 */
import { createHmac } from "node:crypto";
import { startChildServer } from "../lib/child.js";
import type { BenchContext } from "../lib/context.js";
import { compareUnderLoad, type LoadFigures } from "../lib/load.js";

const SECRET_KEY = "sk_test_bench0000000000000000000000000000000001";

export async function ingest(context: BenchContext): Promise<[LoadFigures, LoadFigures]> {
  const naive = await startChildServer("naive-ingest", {
    BENCH_SECRET: SECRET_KEY,
    QUEUE_PREFIX: context.prefix("naive"),
  });
  const duka = await startChildServer("duka", {
    ...(await context.dukaEnv("ingest")),
    BENCH_ROLE: "web",
    PAYSTACK_SECRET_KEY: SECRET_KEY,
    PAYSTACK_BASE_URL: "http://127.0.0.1:9",
  });
  let eventId = 0;
  const event = () => {
    eventId += 1;
    const body = JSON.stringify({
      event: "charge.success",
      data: {
        id: eventId,
        status: "success",
        reference: `pay-bench-${eventId}`,
        amount: 12_000,
        currency: "KES",
        paid_at: new Date().toISOString(),
        customer: { email: "shopper@example.com" },
        metadata: { tenantId: "default" },
      },
    });
    const signature = createHmac("sha512", SECRET_KEY).update(body).digest("hex");
    return { body, headers: { "x-paystack-signature": signature } };
  };
  try {
    const [dukaFigures, naiveFigures] = await compareUnderLoad(
      [
        {
          name: "duka",
          server: duka,
          path: `/webhooks/paystack/${duka.info.paystackInstanceId}`,
          next: event,
        },
        { name: "naive", server: naive, path: "/webhook", next: event },
      ],
      { rounds: context.quick ? 1 : 4, seconds: context.quick ? 3 : 8, connections: 50 },
    );
    return [dukaFigures, naiveFigures];
  } finally {
    await Promise.all([naive.stop(), duka.stop()]);
  }
}
