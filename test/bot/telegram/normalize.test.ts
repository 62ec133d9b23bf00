import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { toInboundMessage } from "../../../src/bot/telegram/normalize.js";

const at = new Date("2026-11-21T10:00:00Z");
const from = { id: 42, is_bot: false, first_name: "Wanjiru", last_name: "K" };
const chat = { id: 42, type: "private" as const, first_name: "Wanjiru" };

function message(extra: Record<string, unknown>, chatOverride: object = chat): Update {
  return {
    update_id: 7,
    message: { message_id: 1, date: 1, chat: chatOverride, from, ...extra },
  } as unknown as Update;
}

describe("toInboundMessage", () => {
  it("reads text and names the sender", () => {
    expect(toInboundMessage(message({ text: "hello" }), at)).toEqual({
      id: "tg-7",
      from: { channel: "telegram", chatId: "42", name: "Wanjiru K" },
      content: { kind: "text", text: "hello" },
      receivedAt: at,
    });
  });

  it.each([
    ["/start", { kind: "command", command: "start", args: "" }],
    [
      "/reject@DukaBot DK-7F3K2 wrong amount",
      { kind: "command", command: "reject", args: "DK-7F3K2 wrong amount" },
    ],
    ["/CONFIRM dk-7f3k2", { kind: "command", command: "confirm", args: "dk-7f3k2" }],
    ["/", { kind: "text", text: "/" }],
  ])("parses %j", (text, content) => {
    expect(toInboundMessage(message({ text }), at)?.content).toEqual(content);
  });

  it("takes the largest photo size", () => {
    const photo = [
      { file_id: "small", file_unique_id: "s", width: 90, height: 90, file_size: 1000 },
      { file_id: "large", file_unique_id: "l", width: 1280, height: 1280, file_size: 90_000 },
    ];
    expect(toInboundMessage(message({ photo, caption: "paid" }), at)?.content).toEqual({
      kind: "media",
      media: { ref: "large", kind: "photo", size: 90_000 },
      caption: "paid",
    });
  });

  it("reads documents with their declared type", () => {
    const document = {
      file_id: "doc",
      file_unique_id: "d",
      file_size: 10,
      mime_type: "application/pdf",
      file_name: "r.pdf",
    };
    expect(toInboundMessage(message({ document }), at)?.content).toEqual({
      kind: "media",
      media: { ref: "doc", kind: "document", size: 10, mimeType: "application/pdf", fileName: "r.pdf" },
    });
  });

  it("knows an own contact from a forwarded one", () => {
    const own = toInboundMessage(
      message({ contact: { phone_number: "254712345678", first_name: "W", user_id: 42 } }),
      at,
    );
    const other = toInboundMessage(
      message({ contact: { phone_number: "254700000000", first_name: "X", user_id: 9 } }),
      at,
    );
    expect(own?.content).toEqual({ kind: "contact", phone: "254712345678", own: true });
    expect(other?.content).toEqual({ kind: "contact", phone: "254700000000", own: false });
  });

  it("marks stickers and voice notes unsupported", () => {
    expect(toInboundMessage(message({ sticker: { file_id: "x" } }), at)?.content).toEqual({
      kind: "unsupported",
      what: "sticker",
    });
    expect(toInboundMessage(message({ voice: { file_id: "x" } }), at)?.content).toEqual({
      kind: "unsupported",
      what: "voice",
    });
  });

  it("turns a button press into a choice", () => {
    const update = {
      update_id: 8,
      callback_query: {
        id: "q1",
        from,
        chat_instance: "c",
        data: "p:EGGS",
        message: { message_id: 3, date: 1, chat },
      },
    } as unknown as Update;
    expect(toInboundMessage(update, at)).toMatchObject({
      id: "tg-8",
      from: { chatId: "42" },
      content: { kind: "choice", data: "p:EGGS" },
    });
  });

  it("ignores groups, bots and other update kinds", () => {
    expect(
      toInboundMessage(
        message({ text: "/confirm DK-7F3K2" }, { id: -100, type: "group", title: "Shop" }),
        at,
      ),
    ).toBeNull();
    const fromBot = {
      update_id: 9,
      message: { message_id: 1, date: 1, chat, from: { ...from, is_bot: true }, text: "x" },
    };
    expect(toInboundMessage(fromBot as unknown as Update, at)).toBeNull();
    expect(toInboundMessage({ update_id: 10, edited_message: {} } as unknown as Update, at)).toBeNull();
  });
});
