import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWhatsAppStandIn,
  SESSION_CLOSED,
  type StandInMessage,
  UNREACHABLE_REASON,
  type WhatsAppStandIn,
  WhatsAppStandInError,
} from "../../../sandbox/whatsapp/index.js";
import type { MessageLike } from "../../../src/bot/whatsapp/client.js";

const PHONE = "254712345678";

const standIns: WhatsAppStandIn[] = [];
afterEach(() => {
  while (standIns.length > 0) standIns.pop()?.close();
});

function standIn(options: Parameters<typeof createWhatsAppStandIn>[0] = {}): WhatsAppStandIn {
  const created = createWhatsAppStandIn(options);
  standIns.push(created);
  return created;
}

/** A ready client, the messages it emitted in order, and a wait for the n-th one. */
async function readyClient(wa: WhatsAppStandIn) {
  const client = wa.createClient();
  const inbound: StandInMessage[] = [];
  const arrivals = new EventEmitter();
  client.on("message", (message: MessageLike) => {
    inbound.push(message as StandInMessage);
    arrivals.emit("message");
  });
  await client.initialize();
  await wa.waitForReady();
  /** Resolves with the `count`-th message once it has arrived (event-driven). */
  const received = (count: number) =>
    new Promise<StandInMessage>((resolve) => {
      const check = () => {
        if (inbound.length < count) return;
        arrivals.off("message", check);
        resolve(inbound[count - 1]!);
      };
      arrivals.on("message", check);
      check();
    });
  return { client, inbound, received };
}

describe("the whatsapp-web.js stand-in: client life cycle", () => {
  it("emits authenticated then ready after initialize when a session is stored", async () => {
    const wa = standIn();
    const client = wa.createClient();
    const events: string[] = [];
    client.on("authenticated", () => events.push("authenticated"));
    client.on("ready", () => events.push("ready"));
    await client.initialize();
    expect(events).toEqual([]); // like the library: ready comes after initialize resolves
    await wa.waitForReady();
    expect(events).toEqual(["authenticated", "ready"]);
    expect(client.status).toBe("ready");
  });

  it("shows a QR code until it is scanned", async () => {
    const wa = standIn({ requireQr: true });
    const client = wa.createClient();
    const qr = new Promise<string>((resolve) => client.on("qr", resolve));
    await client.initialize();
    expect(await qr).toMatch(/^2@/);
    expect(client.status).toBe("qr");
    wa.scanQr();
    expect(client.status).toBe("ready");
    // The session is stored now: the next client goes straight to ready.
    await client.destroy();
    await readyClient(wa);
  });

  it("fails initialize as many times as told, with the reason", async () => {
    const wa = standIn();
    wa.failInitialize(UNREACHABLE_REASON, 2);
    await expect(wa.createClient().initialize()).rejects.toThrow(UNREACHABLE_REASON);
    await expect(wa.createClient().initialize()).rejects.toThrow(UNREACHABLE_REASON);
    await expect(wa.createClient().initialize()).resolves.toBeUndefined();
    expect(wa.clients.map((client) => client.number)).toEqual([1, 2, 3]);
  });

  it("can stall initialize until the client is destroyed", async () => {
    const wa = standIn();
    wa.stallInitialize();
    const client = wa.createClient();
    let settled = false;
    const initializing = client.initialize().finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await client.destroy();
    await expect(initializing).rejects.toThrow(SESSION_CLOSED);
  });

  it("emits disconnected and destroys itself; a dead client cannot send or start again", async () => {
    const wa = standIn();
    const { client } = await readyClient(wa);
    const reason = new Promise<string>((resolve) => client.on("disconnected", resolve));
    wa.disconnect("CONFLICT");
    expect(await reason).toBe("CONFLICT");
    expect(client.status).toBe("destroyed");
    await expect(client.sendMessage(`${PHONE}@c.us`, "hi")).rejects.toThrow(SESSION_CLOSED);
    await expect(client.initialize()).rejects.toThrow(SESSION_CLOSED);
    await expect(client.destroy()).resolves.toBeUndefined();
  });
});

describe("the whatsapp-web.js stand-in: messages shaped like the library's", () => {
  it("delivers a text like a Message: ids, chat ids, seconds, push name", async () => {
    const wa = standIn();
    const { received } = await readyClient(wa);
    const user = wa.user(`+${PHONE}`, "Wanjiru");
    const id = user.sendText("hello");
    const message = await received(1);
    expect(message).toMatchObject({
      from: `${PHONE}@c.us`,
      to: wa.botId,
      body: "hello",
      type: "chat",
      hasMedia: false,
      fromMe: false,
      isStatus: false,
      broadcast: false,
      vCards: [],
      _data: { notifyName: "Wanjiru" },
    });
    expect(message.id).toEqual({
      fromMe: false,
      remote: `${PHONE}@c.us`,
      id: expect.stringMatching(/^3EB0[0-9A-F]{16}$/),
      _serialized: id,
    });
    expect(id).toBe(`false_${PHONE}@c.us_${message.id.id}`);
    expect(Math.abs(message.timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(await message.downloadMedia()).toBeUndefined();
  });

  it("downloads an image as base64 MessageMedia, or undefined/null when told", async () => {
    const wa = standIn();
    const { received } = await readyClient(wa);
    const user = wa.user(PHONE);
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    user.sendImage(bytes, { caption: "receipt" });
    const message = await received(1);
    expect(message).toMatchObject({ type: "image", hasMedia: true, body: "receipt" });
    expect(await message.downloadMedia()).toEqual({
      mimetype: "image/jpeg",
      data: bytes.toString("base64"),
      filename: null,
      filesize: 4,
    });
    user.failNextDownload();
    expect(await message.downloadMedia()).toBeUndefined();
    user.failNextDownload("null");
    expect(await message.downloadMedia()).toBeNull();
  });

  it("shapes documents, vCards, stickers, groups, statuses and @lid senders", async () => {
    const wa = standIn();
    const { client, inbound, received } = await readyClient(wa);
    const user = wa.user(PHONE, "Wanjiru");
    user.sendDocument(Buffer.from("%PDF"), { fileName: "r.pdf", mimeType: "application/pdf" });
    user.shareContact();
    user.shareContact("254799000111", { own: false });
    user.sendSticker();
    user.sendFromGroup("hi all");
    user.postStatus("away");
    const lidId = user.sendAsLid("from lid");
    user.sendText("done");
    await received(8);
    const [document, ownCard, otherCard, sticker, group, status, lid] = inbound;
    expect(document).toMatchObject({ type: "document", hasMedia: true, _data: { filename: "r.pdf" } });
    expect(ownCard!.vCards[0]).toContain(`waid=${PHONE}:`);
    expect(otherCard!.vCards[0]).toContain("waid=254799000111:");
    expect(sticker).toMatchObject({ type: "sticker", hasMedia: true });
    expect(group).toMatchObject({ from: "120363025246125486@g.us", author: `${PHONE}@c.us` });
    expect(group!.id._serialized.endsWith(`_${PHONE}@c.us`)).toBe(true);
    expect(status).toMatchObject({ from: "status@broadcast", isStatus: true, author: `${PHONE}@c.us` });
    expect(lid!.from).toBe(user.linkedId);
    expect(lid!.id._serialized).toBe(lidId);
    expect(await client.getContactLidAndPhone([user.linkedId!])).toEqual([
      { lid: user.linkedId, pn: `${PHONE}@c.us` },
    ]);
    expect(await client.getContactLidAndPhone(["999999999999999@lid"])).toEqual([
      { lid: "999999999999999@lid" },
    ]);
  });

  it("re-emits the very same message for sendDuplicate", async () => {
    const wa = standIn();
    const { received } = await readyClient(wa);
    const user = wa.user(PHONE);
    const id = user.sendText("once");
    expect(user.sendDuplicate()).toBe(id);
    const [first, again] = [await received(1), await received(2)];
    expect(again).toBe(first);
    expect(again.id._serialized).toBe(id);
  });

  it("refuses a user message when no client is ready (it would be lost)", () => {
    const wa = standIn();
    expect(() => wa.user(PHONE).sendText("anyone?")).toThrow(/No WhatsApp client is ready/);
  });
});

describe("the whatsapp-web.js stand-in: the user's view of the bot's replies", () => {
  it("records sends per chat, parses numbered choices, and waits for them", async () => {
    const wa = standIn();
    const { client } = await readyClient(wa);
    const user = wa.user(PHONE);
    const waiting = user.nextMessage("Pick");
    await client.sendMessage(`${PHONE}@c.us`, "Pick:\n\n*1.* Tea\n*2.* Coffee\nReply with a number.", {
      sendSeen: false,
    });
    const menu = await waiting;
    expect(menu).toMatchObject({ kind: "text", chatId: `${PHONE}@c.us`, choices: ["Tea", "Coffee"] });
    expect(menu.choiceNumbers).toEqual([1, 2]);
    expect(menu.options).toEqual({ sendSeen: false });
    await client.sendMessage(
      `${PHONE}@c.us`,
      { mimetype: "application/pdf", data: Buffer.from("%PDF").toString("base64"), filename: "receipt.pdf" },
      { caption: "Your receipt" },
    );
    const receipt = await user.nextMessage(/receipt/);
    expect(receipt.kind).toBe("media");
    expect(receipt.media).toEqual({
      mimetype: "application/pdf",
      filename: "receipt.pdf",
      bytes: Buffer.from("%PDF"),
    });
    expect(user.messages()).toHaveLength(2);
    expect(wa.user("254799000111").messages()).toEqual([]);
  });

  it("counts replies to the user's @lid as the user's chat", async () => {
    const wa = standIn();
    const { client } = await readyClient(wa);
    const user = wa.user(PHONE);
    user.sendAsLid("hi");
    await client.sendMessage(user.linkedId!, "hello back");
    expect((await user.nextMessage()).text).toBe("hello back");
  });

  it("choose(label) types the number the bot gave that label", async () => {
    const wa = standIn();
    const { client, received } = await readyClient(wa);
    const user = wa.user(PHONE);
    await client.sendMessage(`${PHONE}@c.us`, "*41.* Cake\n*42.* Bread");
    user.choose("Bread");
    expect((await received(1)).body).toBe("42");
    expect(() => user.choose("Pizza")).toThrow(/offers "Pizza"/);
  });

  it("times out with the unread messages and the recent conversation", async () => {
    const wa = standIn();
    const { client } = await readyClient(wa);
    const user = wa.user(PHONE, "Wanjiru");
    user.sendText("where is my order?");
    await client.sendMessage(`${PHONE}@c.us`, "Which order?");
    const error = await user.nextMessage("Paid", { timeoutMs: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhatsAppStandInError);
    expect((error as WhatsAppStandInError).code).toBe("timeout");
    const text = (error as Error).message;
    expect(text).toContain('nextMessage waited 20 ms for a bot message whose text contains "Paid"');
    expect(text).toContain('unread: "Which order?"');
    expect(text).toContain("user [text] where is my order?");
    expect(text).toContain("bot  [text] Which order?");
  });

  it("ends waits when closed", async () => {
    const wa = standIn();
    const waiting = wa.user(PHONE).nextMessage();
    wa.close();
    await expect(waiting).rejects.toMatchObject({ code: "closed" });
  });

  it("rejects sends to an address WhatsApp cannot parse", async () => {
    const wa = standIn();
    const { client } = await readyClient(wa);
    await expect(client.sendMessage("not-a-chat", "hi")).rejects.toThrow(/invalid wid/);
  });
});
