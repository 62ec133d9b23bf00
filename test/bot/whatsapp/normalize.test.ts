import { describe, expect, it } from "vitest";
import type { MessageLike } from "../../../src/bot/whatsapp/client.js";
import { phoneFromVCard, toInboundMessage } from "../../../src/bot/whatsapp/normalize.js";

const at = new Date("2026-11-21T10:00:00Z");
const SENDER = "254712345678@c.us";
const SHOP = "254700000000@c.us";

function message(overrides: Partial<MessageLike> = {}): MessageLike {
  const from = overrides.from ?? SENDER;
  const fromMe = overrides.fromMe ?? false;
  return {
    id: { fromMe, remote: from, id: "3EB0AAAA", _serialized: `${fromMe}_${from}_3EB0AAAA` },
    from,
    to: SHOP,
    body: "hello",
    type: "chat",
    hasMedia: false,
    fromMe,
    isStatus: false,
    broadcast: false,
    timestamp: 1_795_000_000,
    vCards: [],
    _data: { notifyName: "Wanjiru" },
    downloadMedia: async () => undefined,
    ...overrides,
  };
}

function vcard(phoneDigits: string, name = "Someone"): string {
  return `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nitem1.TEL;waid=${phoneDigits}:+${phoneDigits}\nEND:VCARD`;
}

describe("toInboundMessage", () => {
  it("reads a text with the input id, the phone chat id and the push name", () => {
    expect(toInboundMessage(message(), at)).toEqual({
      id: "wa-false_254712345678@c.us_3EB0AAAA",
      from: { channel: "whatsapp", chatId: SENDER, name: "Wanjiru" },
      content: { kind: "text", text: "hello" },
      receivedAt: at,
    });
  });

  it.each([
    ["/start", { kind: "command", command: "start", args: "" }],
    ["/reject DK-7F3K2 wrong amount", { kind: "command", command: "reject", args: "DK-7F3K2 wrong amount" }],
    ["/CONFIRM dk-7f3k2", { kind: "command", command: "confirm", args: "dk-7f3k2" }],
    ["/", { kind: "text", text: "/" }],
    ["/ not a command", { kind: "text", text: "/ not a command" }],
    ["2", { kind: "text", text: "2" }],
  ])("text %j → %j", (body, content) => {
    expect(toInboundMessage(message({ body }), at)?.content).toEqual(content);
  });

  const ref = "false_254712345678@c.us_3EB0AAAA";
  it.each<[string, Partial<MessageLike>, unknown]>([
    [
      "an image with a caption",
      { type: "image", hasMedia: true, body: "paid", _data: { mimetype: "image/jpeg" } },
      { kind: "media", media: { ref, kind: "photo", mimeType: "image/jpeg" }, caption: "paid" },
    ],
    [
      "an image without caption",
      { type: "image", hasMedia: true, body: "" },
      { kind: "media", media: { ref, kind: "photo" } },
    ],
    [
      "a PDF document",
      {
        type: "document",
        hasMedia: true,
        body: "",
        _data: { mimetype: "application/pdf", filename: "receipt.pdf" },
      },
      {
        kind: "media",
        media: { ref, kind: "document", mimeType: "application/pdf", fileName: "receipt.pdf" },
      },
    ],
    [
      "an image whose media is gone",
      { type: "image", hasMedia: false, body: "" },
      { kind: "unsupported", what: "image" },
    ],
    ["a sticker", { type: "sticker", hasMedia: true, body: "" }, { kind: "unsupported", what: "sticker" }],
    ["a voice note", { type: "ptt", hasMedia: true, body: "" }, { kind: "unsupported", what: "voice" }],
    ["an audio file", { type: "audio", hasMedia: true, body: "" }, { kind: "unsupported", what: "audio" }],
    ["a video", { type: "video", hasMedia: true, body: "" }, { kind: "unsupported", what: "video" }],
    ["a location", { type: "location", body: "" }, { kind: "unsupported", what: "location" }],
    ["a poll", { type: "poll_creation", body: "Which?" }, { kind: "unsupported", what: "poll" }],
    ["a revoked message", { type: "revoked", body: "" }, { kind: "unsupported", what: "revoked" }],
    [
      "the sender's own contact card",
      { type: "vcard", body: vcard("254712345678"), vCards: [vcard("254712345678")] },
      { kind: "contact", phone: "254712345678", own: true },
    ],
    [
      "someone else's contact card",
      { type: "vcard", body: vcard("254799000111"), vCards: [vcard("254799000111")] },
      { kind: "contact", phone: "254799000111", own: false },
    ],
    [
      "several cards, one of them the sender's",
      { type: "multi_vcard", body: "", vCards: [vcard("254799000111"), vcard("254712345678")] },
      { kind: "contact", phone: "254712345678", own: true },
    ],
    [
      "a card without a number",
      { type: "vcard", body: "BEGIN:VCARD\nFN:X\nEND:VCARD", vCards: ["BEGIN:VCARD\nFN:X\nEND:VCARD"] },
      { kind: "unsupported", what: "contact" },
    ],
  ])("%s", (_name, overrides, content) => {
    expect(toInboundMessage(message(overrides), at)?.content).toEqual(content);
  });

  it.each<[string, Partial<MessageLike>]>([
    ["our own message", { fromMe: true }],
    ["a group message", { from: "120363025246125486@g.us", author: SENDER }],
    ["a message with an author (group or status)", { author: SENDER }],
    ["a status", { from: "status@broadcast", isStatus: true, author: SENDER }],
    ["a status flagged only by isStatus", { isStatus: true }],
    ["a broadcast chat", { from: "1612345678@broadcast" }],
    ["a channel post", { from: "120363000000000000@newsletter" }],
  ])("ignores %s", (_name, overrides) => {
    expect(toInboundMessage(message(overrides), at)).toBeNull();
  });

  it("uses the sender id the adapter resolved (a @lid mapped to the phone)", () => {
    const fromLid = message({ from: "123456789012345@lid" });
    expect(toInboundMessage(fromLid, at, SENDER)?.from.chatId).toBe(SENDER);
    // Unmapped, the lid itself is the chat (replies to it still arrive).
    expect(toInboundMessage(fromLid, at)?.from.chatId).toBe("123456789012345@lid");
  });

  it("judges a card own against the resolved sender, not the @lid", () => {
    const card = vcard("254712345678");
    const fromLid = message({ from: "123456789012345@lid", type: "vcard", body: card, vCards: [card] });
    expect(toInboundMessage(fromLid, at, SENDER)?.content).toEqual({
      kind: "contact",
      phone: "254712345678",
      own: true,
    });
  });

  it("leaves the name out when WhatsApp gives none", () => {
    expect(toInboundMessage(message({ _data: {} }), at)?.from).toEqual({
      channel: "whatsapp",
      chatId: SENDER,
    });
  });
});

describe("phoneFromVCard", () => {
  it.each([
    ["item1.TEL;waid=254712345678:+254 712 345678", "254712345678"],
    ["TEL;type=CELL;type=VOICE;waid=447700900123:+44 7700 900123", "447700900123"],
    ["TEL;TYPE=CELL:+254 799 000 111", "+254799000111"],
    ["TEL:0712 345 678", "0712345678"],
    ["FN:Nobody", undefined],
  ])("%j → %j", (line, phone) => {
    expect(phoneFromVCard(`BEGIN:VCARD\n${line}\nEND:VCARD`)).toBe(phone);
  });
});
