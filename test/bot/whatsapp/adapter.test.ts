import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWhatsAppStandIn,
  UNREACHABLE_REASON,
  type WhatsAppStandIn,
  type WhatsAppStandInOptions,
} from "../../../sandbox/whatsapp/index.js";
import { createWhatsAppAdapter, type WhatsAppAdapterOptions } from "../../../src/bot/whatsapp/adapter.js";
import { NUMBER_HINT } from "../../../src/bot/whatsapp/render.js";
import {
  ChannelRejectedError,
  type InboundMessage,
  MediaTooLargeError,
} from "../../../src/domain/channel.js";
import type { MediaStore, StoredMedia } from "../../../src/store/types.js";
import { captureLogs } from "../../helpers/logs.js";

const PHONE = "254712345678";
const CHAT = `${PHONE}@c.us`;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);

function memoryMedia(): MediaStore & { files: Map<string, StoredMedia> } {
  const files = new Map<string, StoredMedia>();
  return {
    files,
    put: async (_tenant, bytes, mimeType) => {
      const id = `med_${files.size + 1}`;
      files.set(id, { bytes, mimeType });
      return id;
    },
    get: async (id) => files.get(id) ?? null,
  };
}

/** What the adapter handed to the handler, with an event-driven wait. */
function inbox() {
  const received: InboundMessage[] = [];
  const events = new EventEmitter();
  return {
    received,
    handler: async (message: InboundMessage) => {
      received.push(message);
      events.emit("message");
    },
    /** The first received message satisfying `predicate` (at once if it is already there). */
    waitFor(predicate: (message: InboundMessage) => boolean, timeoutMs = 5000): Promise<InboundMessage> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          if (!found) return;
          clearTimeout(timer);
          events.off("message", check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          events.off("message", check);
          reject(new Error(`No such message within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        events.on("message", check);
        check();
      });
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(
  options: {
    standIn?: WhatsAppStandInOptions;
    adapter?: Partial<WhatsAppAdapterOptions>;
    waitReady?: boolean;
  } = {},
) {
  const standIn: WhatsAppStandIn = createWhatsAppStandIn(options.standIn);
  const logs = captureLogs("debug");
  const media = memoryMedia();
  const qrs: string[] = [];
  const adapter = createWhatsAppAdapter({
    clientFactory: standIn.clientFactory,
    media,
    logger: logs.logger,
    reconnect: { initialMs: 1, maxMs: 4 },
    showQr: (qr) => qrs.push(qr),
    ...options.adapter,
  });
  const messages = inbox();
  adapter.listen(messages.handler);
  cleanups.push(() => standIn.close());
  cleanups.push(() => adapter.stop());
  await adapter.start();
  if (options.waitReady !== false) await adapter.waitForState("ready", 5000);
  return { standIn, adapter, messages, media, logs, qrs, user: standIn.user(PHONE, "Wanjiru") };
}

describe("WhatsApp adapter: inbound", () => {
  it("hands a text to the handler with the phone chat id and the message's input id", async () => {
    const { user, messages } = await setup();
    const id = user.sendText("hello");
    const message = await messages.waitFor(() => true);
    expect(message).toMatchObject({
      id: `wa-${id}`,
      from: { channel: "whatsapp", chatId: CHAT, name: "Wanjiru" },
      content: { kind: "text", text: "hello" },
    });
    expect(message.receivedAt).toBeInstanceOf(Date);
  });

  it("handles a message id once, however often WhatsApp emits it", async () => {
    const { user, messages } = await setup();
    user.sendText("/start");
    user.sendDuplicate();
    user.sendDuplicate();
    user.sendText("after");
    await messages.waitFor((message) => message.content.kind === "text");
    expect(messages.received.map((message) => message.content.kind)).toEqual(["command", "text"]);
  });

  it("ignores groups, statuses and its own messages", async () => {
    const { user, messages } = await setup();
    user.sendFromGroup("/confirm DK-7F3K2");
    user.postStatus("on holiday");
    user.sendRaw({ body: "echo of our reply", fromMe: true });
    user.sendRaw({ body: "channel post", from: "120363000000000000@newsletter" });
    user.sendText("direct");
    await messages.waitFor((message) => message.content.kind === "text");
    expect(messages.received).toHaveLength(1);
    expect(messages.received[0]!.content).toEqual({ kind: "text", text: "direct" });
  });

  it("maps a @lid sender to the phone's chat id, and remembers the mapping", async () => {
    const { standIn, user, messages } = await setup();
    user.sendAsLid("from lid");
    const first = await messages.waitFor((message) => message.content.kind === "text");
    expect(user.linkedId).toMatch(/@lid$/);
    expect(first.from.chatId).toBe(CHAT);
    // A failing lookup is never consulted again for this lid: the cache answers.
    standIn.failNextLidLookup();
    user.sendAsLid("again");
    const second = await messages.waitFor(
      (message) => message.content.kind === "text" && message.content.text === "again",
    );
    expect(second.from.chatId).toBe(CHAT);
  });

  it("answers the @lid chat itself when WhatsApp cannot map it", async () => {
    const { standIn, user, messages, logs } = await setup();
    standIn.failNextLidLookup();
    user.sendAsLid("unmapped");
    const message = await messages.waitFor(() => true);
    expect(message.from.chatId).toBe(user.linkedId);
    expect(logs.text()).toContain("mapping a @lid sender failed");
  });

  it("keeps the client running when the handler throws", async () => {
    const { adapter, user, logs } = await setup();
    const handled: string[] = [];
    const done = new EventEmitter();
    adapter.listen(async (message) => {
      if (message.content.kind === "text" && message.content.text === "boom")
        throw new Error("handler broke");
      handled.push(message.content.kind === "text" ? message.content.text : message.content.kind);
      done.emit("handled");
    });
    user.sendText("boom");
    const next = new Promise((resolve) => done.once("handled", resolve));
    user.sendText("still there");
    await next;
    expect(handled).toEqual(["still there"]);
    expect(logs.text()).toContain("handler broke");
    expect(adapter.state()).toBe("ready");
  });

  it("handles one chat's messages in order, one at a time", async () => {
    const { adapter, user } = await setup();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finished = new EventEmitter();
    adapter.listen(async (message) => {
      const text = message.content.kind === "text" ? message.content.text : "";
      events.push(`start ${text}`);
      if (text === "first") await gate;
      events.push(`end ${text}`);
      finished.emit(text);
    });
    const second = new Promise((resolve) => finished.once("second", resolve));
    user.sendText("first");
    user.sendText("second");
    const started = new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    await started;
    release();
    await second;
    expect(events).toEqual(["start first", "end first", "start second", "end second"]);
  });
});

describe("WhatsApp adapter: downloads", () => {
  async function receivedImage(setupResult: Awaited<ReturnType<typeof setup>>, bytes: Buffer = JPEG) {
    setupResult.user.sendImage(bytes, { caption: "my receipt" });
    const message = await setupResult.messages.waitFor((m) => m.content.kind === "media");
    if (message.content.kind !== "media") throw new Error("not media");
    return message.content;
  }

  it("downloads the bytes of a photo the shopper sent", async () => {
    const context = await setup();
    const content = await receivedImage(context);
    expect(content).toMatchObject({
      caption: "my receipt",
      media: { kind: "photo", mimeType: "image/jpeg" },
    });
    const file = await context.adapter.download(content.media, 1024);
    expect(file.bytes.equals(JPEG)).toBe(true);
    expect(file.declaredMimeType).toBe("image/jpeg");
  });

  it("downloads a PDF document", async () => {
    const context = await setup();
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n");
    context.user.sendDocument(pdf, { fileName: "mpesa.pdf", mimeType: "application/pdf" });
    const message = await context.messages.waitFor((m) => m.content.kind === "media");
    if (message.content.kind !== "media") throw new Error("not media");
    expect(message.content.media).toMatchObject({ kind: "document", fileName: "mpesa.pdf" });
    expect((await context.adapter.download(message.content.media, 1024)).bytes.equals(pdf)).toBe(true);
  });

  it.each(["undefined", "null"] as const)(
    "rejects with 'send it again' when downloadMedia() resolves to %s",
    async (result) => {
      const context = await setup();
      const content = await receivedImage(context);
      context.user.failNextDownload(result);
      await expect(context.adapter.download(content.media, 1024)).rejects.toThrow(/send it again/);
      // The failure was one-off: the same media downloads now.
      expect((await context.adapter.download(content.media, 1024)).bytes.equals(JPEG)).toBe(true);
    },
  );

  it("refuses a file over the limit with MediaTooLargeError", async () => {
    const context = await setup();
    const content = await receivedImage(context, Buffer.alloc(2048, 1));
    const refused = context.adapter.download(content.media, 1024);
    await expect(refused).rejects.toBeInstanceOf(MediaTooLargeError);
    await expect(context.adapter.download(content.media, 2048)).resolves.toMatchObject({
      bytes: expect.any(Buffer),
    });
  });

  it("cannot download media it never received", async () => {
    const { adapter } = await setup();
    await expect(adapter.download({ ref: "false_1@c.us_X", kind: "photo" }, 1024)).rejects.toThrow(
      /send it again/,
    );
  });
});

describe("WhatsApp adapter: sending", () => {
  it("renders choices as a numbered list the shopper answers with a number", async () => {
    const { adapter, user } = await setup();
    await adapter.send(CHAT, {
      text: "Our *menu*:",
      choices: [
        [
          { label: "Tea", data: "p:tea" },
          { label: "Coffee", data: "p:coffee" },
        ],
        [{ label: "🛒 Cart", data: "cart" }],
      ],
      requestContact: "📱 Share my number",
    });
    const message = await user.nextMessage("menu");
    expect(message.text).toBe(`Our *menu*:\n\n*1.* Tea\n*2.* Coffee\n*3.* 🛒 Cart\n${NUMBER_HINT}`);
    expect(message.choices).toEqual(["Tea", "Coffee", "🛒 Cart"]);
    expect(message.options.sendSeen).toBe(false);
    expect(user.messages()).toHaveLength(1);
  });

  it("sends stored media with the text as its caption", async () => {
    const { adapter, user, media } = await setup();
    const mediaId = await media.put("t1", JPEG, "image/jpeg");
    await adapter.send(CHAT, { text: "Receipt for *DK-7F3K2*", media: { mediaId, mimeType: "image/jpeg" } });
    const message = await user.nextMessage("DK-7F3K2");
    expect(message.kind).toBe("media");
    expect(message.caption).toBe("Receipt for *DK-7F3K2*");
    expect(message.media?.bytes.equals(JPEG)).toBe(true);
    expect(message.media?.mimetype).toBe("image/jpeg");
  });

  it("refuses for good when the media is missing from the store", async () => {
    const { adapter } = await setup();
    await expect(
      adapter.send(CHAT, { text: "x", media: { mediaId: "med_missing", mimeType: "image/jpeg" } }),
    ).rejects.toBeInstanceOf(ChannelRejectedError);
  });

  it("fails with a plain, retryable Error while WhatsApp is not connected", async () => {
    const { adapter, standIn } = await setup({
      adapter: { reconnect: { initialMs: 60_000, maxMs: 60_000 } },
    });
    standIn.disconnect("CONFLICT");
    await adapter.waitForState("disconnected");
    const failure = await adapter.send(CHAT, { text: "hello" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ChannelRejectedError);
    expect((failure as Error).message).toContain("WhatsApp disconnected: CONFLICT");
  });

  it("passes on a send failure while connected", async () => {
    const { adapter, standIn, user } = await setup();
    standIn.failNextSend(new Error("Evaluation failed: boom"));
    await expect(adapter.send(CHAT, { text: "hello" })).rejects.toThrow("Evaluation failed: boom");
    await adapter.send(CHAT, { text: "hello again" });
    expect((await user.nextMessage()).text).toBe("hello again");
  });
});

describe("WhatsApp adapter: connection", () => {
  it("builds a new client after `disconnected` and works on it", async () => {
    const { adapter, standIn, user, messages } = await setup();
    const states: string[] = [];
    adapter.onStateChange((state, reason) => states.push(`${state}${reason ? `: ${reason}` : ""}`));
    const first = standIn.client;
    standIn.disconnect("UNPAIRED");
    const second = await standIn.waitForClients(2);
    await adapter.waitForState("ready");
    expect(states[0]).toBe("disconnected: UNPAIRED");
    expect(states.at(-1)).toBe("ready");
    expect(first.status).toBe("destroyed");
    expect(first.listenerCount("message")).toBe(0);
    expect(second.status).toBe("ready");
    expect(await adapter.health()).toBeNull();
    user.sendText("after reconnect");
    expect((await messages.waitFor(() => true)).content).toEqual({ kind: "text", text: "after reconnect" });
  });

  it("treats auth_failure like a disconnect", async () => {
    const { adapter, standIn } = await setup({
      adapter: { reconnect: { initialMs: 60_000, maxMs: 60_000 } },
    });
    standIn.authFailure("Unable to log in");
    await adapter.waitForState("disconnected");
    expect(await adapter.health()).toBe("WhatsApp disconnected: authentication failed: Unable to log in");
  });

  it("does not throw from start() when WhatsApp Web is unreachable, and says why", async () => {
    const standIn = createWhatsAppStandIn();
    standIn.failInitialize(UNREACHABLE_REASON, Number.POSITIVE_INFINITY);
    const logs = captureLogs();
    const adapter = createWhatsAppAdapter({
      clientFactory: standIn.clientFactory,
      media: memoryMedia(),
      logger: logs.logger,
      reconnect: { initialMs: 60_000, maxMs: 60_000 },
    });
    cleanups.push(() => standIn.close());
    cleanups.push(() => adapter.stop());
    await expect(adapter.start()).resolves.toBeUndefined();
    await adapter.waitForState("unreachable");
    expect(adapter.state()).toBe("unreachable");
    expect(await adapter.health()).toBe(`WhatsApp Web unreachable: ${UNREACHABLE_REASON}`);
    expect(standIn.client.status).toBe("destroyed");
  });

  it("retries with a new client each time until WhatsApp Web answers", async () => {
    const standIn = createWhatsAppStandIn();
    standIn.failInitialize(UNREACHABLE_REASON, 2);
    const adapter = createWhatsAppAdapter({
      clientFactory: standIn.clientFactory,
      media: memoryMedia(),
      logger: captureLogs().logger,
      reconnect: { initialMs: 1, maxMs: 2 },
    });
    cleanups.push(() => standIn.close());
    cleanups.push(() => adapter.stop());
    const states: string[] = [];
    adapter.onStateChange((state) => states.push(state));
    await adapter.start();
    await adapter.waitForState("ready");
    expect(standIn.clients.map((client) => client.status)).toEqual(["destroyed", "destroyed", "ready"]);
    expect(states.filter((state) => state === "unreachable")).toHaveLength(2);
  });

  it("replaces a client whose page never finishes loading", async () => {
    const standIn = createWhatsAppStandIn();
    standIn.stallInitialize(1);
    const adapter = createWhatsAppAdapter({
      clientFactory: standIn.clientFactory,
      media: memoryMedia(),
      logger: captureLogs().logger,
      reconnect: { initialMs: 1, maxMs: 1 },
      startTimeoutMs: 30,
    });
    cleanups.push(() => standIn.close());
    cleanups.push(() => adapter.stop());
    const reasons: (string | undefined)[] = [];
    adapter.onStateChange((state, reason) => {
      if (state === "unreachable") reasons.push(reason);
    });
    await adapter.start();
    await adapter.waitForState("unreachable");
    await adapter.waitForState("ready");
    expect(reasons).toEqual(["WhatsApp Web did not load within 30 ms"]);
    expect(standIn.clients.map((client) => client.status)).toEqual(["destroyed", "ready"]);
  });

  it("keeps the QR code while not linked and drops it once scanned", async () => {
    const { adapter, standIn, qrs } = await setup({ standIn: { requireQr: true }, waitReady: false });
    await adapter.waitForState("qr");
    expect(adapter.qr()).toMatch(/^2@/);
    expect(qrs).toEqual([adapter.qr()]);
    expect(await adapter.health()).toContain("QR code");
    standIn.scanQr();
    await adapter.waitForState("ready");
    expect(adapter.qr()).toBeNull();
    expect(await adapter.health()).toBeNull();
  });

  it("stop() destroys the client and reports disconnected", async () => {
    const { adapter, standIn } = await setup();
    await adapter.stop();
    expect(standIn.client.status).toBe("destroyed");
    expect(adapter.state()).toBe("disconnected");
    expect(await adapter.health()).toBe("WhatsApp disconnected: stopped");
    await expect(adapter.send(CHAT, { text: "late" })).rejects.toThrow(/disconnected/);
  });

  it("says it is not started before start()", async () => {
    const adapter = createWhatsAppAdapter({
      clientFactory: createWhatsAppStandIn().clientFactory,
      media: memoryMedia(),
      logger: captureLogs().logger,
    });
    expect(await adapter.health()).toBe("WhatsApp channel not started");
  });

  it("rejects a backoff whose start exceeds its maximum", () => {
    expect(() =>
      createWhatsAppAdapter({
        clientFactory: createWhatsAppStandIn().clientFactory,
        media: memoryMedia(),
        logger: captureLogs().logger,
        reconnect: { initialMs: 10, maxMs: 5 },
      }),
    ).toThrow(/initialMs/);
  });
});
