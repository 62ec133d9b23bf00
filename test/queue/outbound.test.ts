/**
 * The outbound path against real Redis and the real Telegram adapter talking to the emulator:
 * outbox idempotency, pacing, 429 with retry_after, chats that blocked the bot, the sweeper.
 */
import { randomBytes } from "node:crypto";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTelegramEmulator, type TelegramEmulator } from "../../sandbox/telegram/index.js";
import { createTelegramAdapter } from "../../src/bot/telegram/adapter.js";
import { TELEGRAM_PACING } from "../../src/bot/telegram/pacing.js";
import type { ChannelAdapter } from "../../src/domain/channel.js";
import { StoreUnavailableError } from "../../src/domain/errors.js";
import type { PacingPolicy } from "../../src/domain/pacing.js";
import { createLogger } from "../../src/log/index.js";
import { type ChatOrder, createChatOrder } from "../../src/queue/chat-order.js";
import { createOutboundWorker, DIGEST_MAX } from "../../src/queue/outbound-worker.js";
import { createOutbox, type Outbox, outboxId } from "../../src/queue/outbox.js";
import { createPacer } from "../../src/queue/pacing.js";
import { createQueues, outboundQueueName, type Queues } from "../../src/queue/queues.js";
import { sweepOutbox } from "../../src/queue/sweeper.js";
import { createStore } from "../../src/store/index.js";
import type { OutboxLane, Store } from "../../src/store/types.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

const logger = createLogger({ level: "silent" });
let emulator: TelegramEmulator;
let store: Store;
let producer: Redis;
let workerConnection: Redis;
let queues: Queues;
let outbox: Outbox;
let order: ChatOrder;
let prefix: string;
let worker: Worker | undefined;

beforeEach(async () => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  emulator = await createTelegramEmulator();
  store = await createStore({ mediaDir: `/tmp/${prefix}-media` });
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues({ connection: producer, prefix });
  order = createChatOrder(producer, prefix);
  outbox = createOutbox({ store, queues, order });
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queues.close();
  await emulator.close();
  await store.close();
  producer.disconnect();
  workerConnection.disconnect();
  await clearPrefix(prefix);
});

function startWorker(
  policy: PacingPolicy = TELEGRAM_PACING,
  concurrency?: number,
  renderDigest?: (group: string, lines: readonly string[]) => { text: string },
  /** Fault injection: while it answers true, every send fails as if the network were down. */
  networkDown?: () => boolean,
) {
  const telegram = createTelegramAdapter({
    token: emulator.botToken,
    apiRoot: emulator.apiRoot,
    media: store.media,
    logger,
  });
  const channel: ChannelAdapter = networkDown
    ? {
        ...telegram,
        send: async (chatId, reply) => {
          if (networkDown()) throw new Error("connect ECONNREFUSED");
          return telegram.send(chatId, reply);
        },
      }
    : telegram;
  worker = createOutboundWorker({
    channel,
    store,
    pacer: createPacer(producer, prefix, policy),
    order,
    connection: workerConnection,
    prefix,
    logger,
    ...(concurrency ? { concurrency } : {}),
    ...(renderDigest ? { renderDigest } : {}),
  });
}

const to = (chatId: number) => ({ channel: "telegram" as const, chatId: String(chatId) });

/** An outbox message stored two minutes ago and never queued: what the sweeper looks for. */
function putStranded(name: string, chat: number, extra: { lane?: OutboxLane } = {}) {
  return store.outbox.put({
    _id: outboxId("test", name),
    tenantId: "default",
    to: to(chat),
    replies: [{ text: name }],
    ...extra,
    createdAt: new Date(Date.now() - 120_000),
  });
}

/** A message written a second ago whose job is late: stored and noted, as outbox.send does, but not queued. */
async function writeUnqueued(name: string, chat: number, text: string) {
  const message = await store.outbox.put({
    _id: outboxId("test", name),
    tenantId: "default",
    to: to(chat),
    replies: [{ text }],
    createdAt: new Date(Date.now() - 1_000),
  });
  await order.written(message);
  return message;
}

/** Resolves once `check` is true, asking every 20 ms (the job's state has no event of its own here). */
async function waitFor(check: () => Promise<boolean | undefined>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves when the worker has finished the job of this outbox message. */
function completion(id: string): Promise<void> {
  return new Promise((resolve) => worker!.on("completed", (job) => job.id === id && resolve()));
}

describe("outbound messages", () => {
  it("sends an outbox message once, however often it is put and queued", async () => {
    startWorker();
    const user = emulator.user({ id: 501, firstName: "A" });
    const message = {
      id: outboxId("test", "once"),
      tenantId: "default",
      to: to(501),
      replies: [{ text: "Paid ✅" }],
    };
    await Promise.all([outbox.send(message), outbox.send(message), outbox.send(message)]);
    await user.nextMessage("Paid");
    await outbox.send(message);
    await outbox.enqueue({ _id: message.id, to: message.to });
    const sentMarker = {
      id: outboxId("test", "marker"),
      tenantId: "default",
      to: to(501),
      replies: [{ text: "marker" }],
    };
    await outbox.send(sentMarker);
    await user.nextMessage("marker");
    expect(user.messages().filter((m) => m.text === "Paid ✅")).toHaveLength(1);
    expect((await store.outbox.findById(message.id))?.status).toBe("sent");
  });

  it("records a send through a short store outage instead of sending it again", async () => {
    const unavailable = new StoreUnavailableError("store restarting");
    vi.spyOn(store.outbox, "recordProgress")
      .mockRejectedValueOnce(unavailable)
      .mockRejectedValueOnce(unavailable);
    vi.spyOn(store.outbox, "markSent").mockRejectedValueOnce(unavailable);
    startWorker();
    const user = emulator.user({ id: 509, firstName: "A" });
    const id = outboxId("test", "outage");
    const done = completion(id);
    await outbox.send({ id, tenantId: "default", to: to(509), replies: [{ text: "one" }, { text: "two" }] });
    await done;
    expect(user.messages().map((message) => message.text)).toEqual(["one", "two"]);
    expect((await store.outbox.findById(id))?.status).toBe("sent");
  });

  it("keeps one chat's replies in order and paces them to the per-chat limit", async () => {
    startWorker({ globalPerSecond: 30, perChatPerSecond: 1, perChatBurst: 1 });
    const user = emulator.user({ id: 502, firstName: "B" });
    const replies = ["one", "two", "three", "four"].map((text) => ({ text }));
    await outbox.send({ id: outboxId("test", "paced"), tenantId: "default", to: to(502), replies });
    for (const reply of replies) await user.nextMessage(reply.text);
    const sends = emulator.calls("sendMessage").filter((call) => call.params.chat_id === "502");
    expect(sends.map((call) => call.params.text)).toEqual(["one", "two", "three", "four"]);
    // One burst slot plus one per second: the fourth cannot go out before about 2 s.
    expect(sends[3]!.receivedAt - sends[0]!.receivedAt).toBeGreaterThanOrEqual(1_900);
  });

  it("wakes a busy chat's waiting messages one per slot, not all together", async () => {
    const perChatPerSecond = 10;
    startWorker({ globalPerSecond: 30, perChatPerSecond, perChatBurst: 0 });
    const activations = new Map<string, number>();
    worker!.on("active", (job) => activations.set(job.id!, (activations.get(job.id!) ?? 0) + 1));
    const user = emulator.user({ id: 508, firstName: "Merchant" });
    const ids = Array.from({ length: 12 }, (_, i) => outboxId("herd", String(i)));
    const done = Promise.all(ids.map((id) => completion(id)));
    for (const id of ids) {
      await outbox.send({ id, tenantId: "default", to: to(508), replies: [{ text: id }], lane: "urgent" });
    }
    await done;
    expect(user.messages()).toHaveLength(12);
    // Each message ran at most twice: once to reserve its slot, once to send in it.
    expect(Math.max(...activations.values())).toBeLessThanOrEqual(2);
    // Twelve slots a tenth of a second apart, the first at once: the pace still holds.
    const times = emulator.calls("sendMessage").map((call) => call.receivedAt);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((11 * 1000) / perChatPerSecond - 50);
  });

  it("holds a job in place while the channel-wide budget is spent, so none is re-queued", async () => {
    const globalPerSecond = 4;
    startWorker({ globalPerSecond, perChatPerSecond: 1, perChatBurst: 3 });
    const activations = new Map<string, number>();
    worker!.on("active", (job) => activations.set(job.id!, (activations.get(job.id!) ?? 0) + 1));
    const ids = Array.from({ length: 10 }, (_, i) => outboxId("budget", String(i)));
    const done = Promise.all(ids.map((id) => completion(id)));
    for (const [i, id] of ids.entries()) {
      emulator.user({ id: 520 + i, firstName: `Shopper ${i}` });
      await outbox.send({ id, tenantId: "default", to: to(520 + i), replies: [{ text: id }] });
    }
    await done;
    expect([...activations.values()]).toEqual(Array(10).fill(1));
    // Ten messages at four a second: the last two seconds' worth had to wait for the budget.
    const times = emulator.calls("sendMessage").map((call) => call.receivedAt);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it("waits out a 429's retry_after, then delivers without repeating earlier replies", async () => {
    startWorker();
    const user = emulator.user({ id: 503, firstName: "C" });
    emulator.failNext("sendMessage", { errorCode: 429, retryAfter: 7 });
    const id = outboxId("test", "429");
    const done = completion(id);
    await outbox.send({ id, tenantId: "default", to: to(503), replies: [{ text: "after the wait" }] });
    await done;
    expect(user.messages().map((message) => message.text)).toEqual(["after the wait"]);
    const calls = emulator.calls("sendMessage").filter((call) => call.params.chat_id === "503");
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(7_000);
  });

  it("holds the whole chat for a 429's retry_after: none of its other messages goes out early", async () => {
    startWorker({ globalPerSecond: 30, perChatPerSecond: 10, perChatBurst: 3 });
    const user = emulator.user({ id: 509, firstName: "E" });
    emulator.failNext("sendMessage", { errorCode: 429, retryAfter: 2 });
    const ids = Array.from({ length: 5 }, (_, i) => outboxId("flood", String(i)));
    const done = Promise.all(ids.map((id) => completion(id)));
    for (const id of ids)
      await outbox.send({ id, tenantId: "default", to: to(509), replies: [{ text: id }] });
    await done;
    expect(user.messages()).toHaveLength(5);
    const calls = emulator.calls("sendMessage").filter((call) => call.params.chat_id === "509");
    expect(calls.filter((call) => call.status === 429)).toHaveLength(1);
    // Sent before the 429 was answered is not early; sent after it, inside the wait, would be.
    expect(calls.filter((call) => call.earlyRetry)).toEqual([]);
    const refusedAt = calls.find((call) => call.status === 429)!.finishedAt!;
    const after = calls.filter((call) => call.receivedAt > refusedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after.map((call) => call.receivedAt)) - refusedAt).toBeGreaterThanOrEqual(1_950);
  });

  it("gives up on a chat that blocked the bot and records why", async () => {
    startWorker();
    const user = emulator.user({ id: 504, firstName: "D" });
    user.block();
    const id = outboxId("test", "blocked");
    const failed = completion(id);
    await outbox.send({ id, tenantId: "default", to: to(504), replies: [{ text: "never seen" }] });
    await failed;
    const stored = await store.outbox.findById(id);
    expect(stored?.status).toBe("failed");
    expect(stored?.error).toMatch(/blocked/i);
    expect(emulator.calls("sendMessage").filter((call) => call.params.chat_id === "504")).toHaveLength(1);
  });

  it("never lets a message overtake an older one to the same chat that is still pending", async () => {
    startWorker();
    const user = emulator.user({ id: 509, firstName: "Order" });
    // The older message is written but its job is late (not queued yet); the newer one's job runs.
    const older = await writeUnqueued("older", 509, "your cart is empty");
    const newerId = outboxId("test", "newer");
    const newerSent = completion(newerId);
    await outbox.send({ id: newerId, tenantId: "default", to: to(509), replies: [{ text: "help" }] });
    const settle = queues.outbound("telegram");
    await waitFor(async () => (await settle.getJob(newerId))?.isDelayed());
    expect(user.messages()).toEqual([]);
    await outbox.enqueue({ _id: older._id, to: older.to });
    await newerSent;
    expect(user.messages().map((message) => message.text)).toEqual(["your cart is empty", "help"]);
  });

  it("notes every message it queues in the chat's order, so a newer one can wait for it", async () => {
    const id = outboxId("test", "noted");
    await outbox.send({ id, tenantId: "default", to: to(512), replies: [{ text: "noted" }] });
    const stored = await store.outbox.findById(id);
    const after = new Date(stored!.createdAt.getTime() + 1);
    expect(await order.writtenBetween(to(512), new Date(0), after)).toEqual([id]);
  });

  it("takes no further chat slots while a message waits for an older one", async () => {
    // Counts the worker's looks for an older pending message: each is one wait of the newer one.
    let looks = 0;
    const counted: ChatOrder = {
      ...order,
      writtenBetween: (...args) => {
        looks += 1;
        return order.writtenBetween(...args);
      },
    };
    worker = createOutboundWorker({
      channel: createTelegramAdapter({
        token: emulator.botToken,
        apiRoot: emulator.apiRoot,
        media: store.media,
        logger,
      }),
      store,
      pacer: createPacer(producer, prefix, TELEGRAM_PACING),
      order: counted,
      connection: workerConnection,
      prefix,
      logger,
    });
    const user = emulator.user({ id: 511, firstName: "Patient" });
    const older = await writeUnqueued("older-late", 511, "first");
    await outbox.send({
      id: outboxId("test", "newer-waits"),
      tenantId: "default",
      to: to(511),
      replies: [{ text: "second" }],
    });
    await waitFor(async () => looks >= 4);
    // One slot reserved for the newer message, however often it looked: the chat's theoretical
    // arrival time is at most one interval past now (not one per look).
    const [seconds, micros] = await producer.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const tat = Number(await producer.get(`${prefix}:pace:chat:511`));
    expect(tat - now).toBeLessThanOrEqual(1000 / TELEGRAM_PACING.perChatPerSecond);
    await outbox.enqueue({ _id: older._id, to: older.to });
    await user.nextMessage("second");
    expect(user.messages().map((message) => message.text)).toEqual(["first", "second"]);
  });

  it("does not hold a chat for an older message stuck longer than the order window", async () => {
    startWorker();
    const user = emulator.user({ id: 510, firstName: "Stuck" });
    const stranded = await putStranded("stranded two minutes ago", 510);
    await outbox.send({
      id: outboxId("test", "fresh"),
      tenantId: "default",
      to: to(510),
      replies: [{ text: "fresh" }],
    });
    await user.nextMessage("fresh");
    expect((await store.outbox.findById(stranded._id))?.status).toBe("pending");
  });

  it("the sweeper queues a message that was stored but never queued", async () => {
    const user = emulator.user({ id: 505, firstName: "E" });
    const stranded = await putStranded("found again", 505);
    expect(await sweepOutbox(store, outbox, new Date(), 60_000)).toBe(1);
    startWorker();
    await completion(stranded._id);
    expect(user.messages().map((message) => message.text)).toEqual(["found again"]);
    expect((await store.outbox.findById(stranded._id))?.status).toBe("sent");
    expect(await sweepOutbox(store, outbox, new Date(), 60_000)).toBe(0);
  });

  it("sends payment results and alerts ahead of queued replies, and replies ahead of reminders", async () => {
    const queued: { lane: OutboxLane; chat: number }[] = [
      ...Array.from({ length: 8 }, (_, i) => ({ lane: "background" as const, chat: 600 + i })),
      ...Array.from({ length: 12 }, (_, i) => ({ lane: "reply" as const, chat: 620 + i })),
      ...Array.from({ length: 3 }, (_, i) => ({ lane: "urgent" as const, chat: 640 + i })),
    ];
    for (const { lane, chat } of queued) {
      await outbox.send({
        id: outboxId("lane", String(chat)),
        tenantId: "default",
        to: to(chat),
        replies: [{ text: lane }],
        ...(lane === "reply" ? {} : { lane }),
      });
    }
    const done = new Promise<void>((resolve) => {
      let completed = 0;
      startWorker(TELEGRAM_PACING, 1);
      worker!.on("completed", () => ++completed === queued.length && resolve());
    });
    await done;
    const order = emulator.calls("sendMessage").map((call) => call.params.text);
    expect(order).toEqual([
      ...Array(3).fill("urgent"),
      ...Array(12).fill("reply"),
      ...Array(8).fill("background"),
    ]);
  });

  it("the sweeper revives a pending message whose job had failed for good", async () => {
    const user = emulator.user({ id: 509, firstName: "F" });
    const message = await putStranded("still owed", 509);
    // Its only attempt died outside the send (a store or Redis error), leaving it pending.
    await queues
      .outbound("telegram")
      .add("send", { outboxId: message._id }, { jobId: message._id, attempts: 1 });
    const crashing = new Worker(
      outboundQueueName("telegram"),
      async () => {
        throw new Error("store unreachable");
      },
      { connection: workerConnection, prefix },
    );
    await new Promise((resolve) => crashing.once("failed", resolve));
    await crashing.close();
    expect(await sweepOutbox(store, outbox, new Date(), 60_000)).toBe(1);
    startWorker();
    await completion(message._id);
    expect(user.messages().map((sent) => sent.text)).toEqual(["still owed"]);
    expect((await store.outbox.findById(message._id))?.status).toBe("sent");
  });

  it("keeps a stranded message's lane when the sweeper queues it again", async () => {
    const stranded = [
      { name: "urgent-stranded", lane: "urgent", chat: 506 },
      { name: "reminder-stranded", lane: "background", chat: 507 },
    ] as const;
    for (const { name, lane, chat } of stranded) await putStranded(name, chat, { lane });
    expect(await sweepOutbox(store, outbox, new Date(), 60_000)).toBe(2);
    const queue = queues.outbound("telegram");
    expect((await queue.getJob(outboxId("test", "urgent-stranded")))?.opts.priority ?? 0).toBe(0);
    expect((await queue.getJob(outboxId("test", "reminder-stranded")))?.opts.priority).toBe(10);
  });

  describe("digests", () => {
    const renderDigest = (group: string, lines: readonly string[]) => ({
      text: `${group}: ${lines.join(" | ")}`,
    });

    /** Alert `i` to `chat`: an urgent one-line message of the digest group "paid". */
    const sendAlert = (id: string, chat: number, i: number) =>
      outbox.send({
        id,
        tenantId: "default",
        to: to(chat),
        replies: [{ text: `alert ${i}` }],
        lane: "urgent",
        digest: { group: "paid", line: `order ${i}` },
      });

    /** Queues `count` one-line alerts of group "paid" to one chat and waits until all are done. */
    async function pileUp(chat: number, count: number) {
      const ids = Array.from({ length: count }, (_, i) => outboxId("pile", String(chat), String(i)));
      const done = Promise.all(ids.map((id) => completion(id)));
      for (const [i, id] of ids.entries()) await sendAlert(id, chat, i);
      await done;
      return ids;
    }

    /** Every order named in what the chat received, in order of arrival. */
    const named = (texts: readonly string[]) =>
      texts.flatMap((text) =>
        text.startsWith("paid: ") ? text.slice(6).split(" | ") : [text.replace("alert", "order")],
      );

    it("sends a pile-up on one chat as one digest in the next slot, every message named once", async () => {
      startWorker({ globalPerSecond: 30, perChatPerSecond: 5, perChatBurst: 0 }, undefined, renderDigest);
      const user = emulator.user({ id: 530, firstName: "Merchant" });
      const ids = await pileUp(530, 8);
      const texts = user.messages().map((message) => message.text ?? "");
      expect(texts).toHaveLength(2);
      expect(texts[1]).toMatch(/^paid: /);
      expect(named(texts).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `order ${i}`).sort());
      for (const id of ids) expect((await store.outbox.findById(id))?.status).toBe("sent");
    });

    it("records a digest through a short store outage instead of sending it again", async () => {
      const markSent = store.outbox.markSent.bind(store.outbox);
      let calls = 0;
      // The first alert goes alone; the second markSent is the digest's first.
      vi.spyOn(store.outbox, "markSent").mockImplementation(async (id, at) => {
        if (++calls === 2) throw new StoreUnavailableError("store restarting");
        return markSent(id, at);
      });
      startWorker({ globalPerSecond: 30, perChatPerSecond: 5, perChatBurst: 0 }, undefined, renderDigest);
      const user = emulator.user({ id: 535, firstName: "Merchant" });
      const ids = await pileUp(535, 6);
      const texts = user.messages().map((message) => message.text ?? "");
      expect(texts).toHaveLength(2);
      expect(named(texts).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `order ${i}`).sort());
      for (const id of ids) expect((await store.outbox.findById(id))?.status).toBe("sent");
    });

    it("names at most DIGEST_MAX messages in one digest; later slots carry the rest", async () => {
      startWorker({ globalPerSecond: 30, perChatPerSecond: 8, perChatBurst: 0 }, undefined, renderDigest);
      const user = emulator.user({ id: 531, firstName: "Merchant" });
      await pileUp(531, DIGEST_MAX + 10);
      const texts = user.messages().map((message) => message.text ?? "");
      for (const text of texts) expect(named([text]).length).toBeLessThanOrEqual(DIGEST_MAX);
      expect(named(texts).sort()).toEqual(
        Array.from({ length: DIGEST_MAX + 10 }, (_, i) => `order ${i}`).sort(),
      );
      // Forty alerts in a handful of messages, not forty.
      expect(texts.length).toBeLessThanOrEqual(6);
    });

    it.each([
      ["a 500 (retried with backoff)", { errorCode: 500, description: "Internal Server Error" }],
      ["a 429 (waited out)", { errorCode: 429, retryAfter: 1 }],
    ])(
      "names every message once when the digest's send fails with %s and is tried again",
      async (_what, fault) => {
        startWorker({ globalPerSecond: 30, perChatPerSecond: 5, perChatBurst: 0 }, undefined, renderDigest);
        const user = emulator.user({ id: 533, firstName: "Merchant" });
        const first = user.nextMessage(/alert/);
        const piled = pileUp(533, 6);
        await first;
        emulator.failNext("sendMessage", fault);
        const ids = await piled;
        const texts = user.messages().map((message) => message.text ?? "");
        expect(named(texts).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `order ${i}`).sort());
        for (const id of ids) expect((await store.outbox.findById(id))?.status).toBe("sent");
      },
    );

    it("marks a digest's messages failed when its last attempt fails, so none is left pending", async () => {
      const chat = 534;
      const ids = [0, 1].map((i) => outboxId("pile", String(chat), String(i)));
      // Jobs of one attempt each, queued first: the outbox's own queueing then finds them there.
      for (const id of ids)
        await queues.outbound("telegram").add("send", { outboxId: id }, { jobId: id, attempts: 1 });
      const user = emulator.user({ id: chat, firstName: "Merchant" });
      const first = user.nextMessage(/alert/);
      // Both stored before a worker runs: a job run before its message exists ends at once (the
      // sweeper's case), which would leave the message pending here.
      for (const [i, id] of ids.entries()) await sendAlert(id, chat, i);
      let down = false;
      // A second between the chat's sends: the network goes down after the first, before the second.
      startWorker(
        { globalPerSecond: 30, perChatPerSecond: 1, perChatBurst: 0 },
        undefined,
        renderDigest,
        () => down,
      );
      let finished = 0;
      const done = new Promise<void>((resolve) => {
        const count = () => ++finished === ids.length && resolve();
        worker!.on("completed", count);
        worker!.on("failed", count);
      });
      const sentFirst = (await first).text;
      down = true;
      await done;
      const statuses = await Promise.all(ids.map(async (id) => (await store.outbox.findById(id))?.status));
      expect(statuses.sort()).toEqual(["failed", "sent"]);
      expect(user.messages().map((message) => message.text)).toEqual([sentFirst]);
    });

    it("leaves messages without a digest group, and chats without a pile-up, as they are", async () => {
      startWorker({ globalPerSecond: 30, perChatPerSecond: 5, perChatBurst: 3 }, undefined, renderDigest);
      const user = emulator.user({ id: 532, firstName: "Merchant" });
      await pileUp(532, 3);
      const ids = ["x", "y"].map((name) => outboxId("plain", name));
      const done = Promise.all(ids.map((id) => completion(id)));
      for (const id of ids)
        await outbox.send({ id, tenantId: "default", to: to(532), replies: [{ text: id }] });
      await done;
      // Within the chat's burst nothing waited, so nothing was merged.
      expect(
        user
          .messages()
          .map((message) => message.text)
          .sort(),
      ).toEqual(["alert 0", "alert 1", "alert 2", ...ids].sort());
    });
  });
});
