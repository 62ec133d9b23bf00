import { describe, expect, it } from "vitest";
import {
  splitText,
  toContactKeyboard,
  toInlineKeyboard,
  toTelegramHtml,
} from "../../../src/bot/telegram/render.js";

describe("toTelegramHtml", () => {
  it.each([
    ["plain", "plain"],
    ["*DK-7F3K2*", "<b>DK-7F3K2</b>"],
    ["Total: *KES 480.00* now", "Total: <b>KES 480.00</b> now"],
    ["<script> & co", "&lt;script&gt; &amp; co"],
    ["*<b>*", "<b>&lt;b&gt;</b>"],
    ["2 * 3 = 6", "2 * 3 = 6"],
    ["*not\nbold*", "*not\nbold*"],
    // A literal asterisk (a USSD code) stays as typed beside a bold reference on the same line.
    ["dial *334#: account *DK-7F3K2* here", "dial *334#: account <b>DK-7F3K2</b> here"],
    ["*DK-7F3K2* or dial *334#.", "<b>DK-7F3K2</b> or dial *334#."],
    ["* spaced *", "* spaced *"],
    ["*a*", "<b>a</b>"],
  ])("%j → %j", (input, expected) => {
    expect(toTelegramHtml(input)).toBe(expected);
  });
});

describe("toInlineKeyboard", () => {
  it("maps choice rows to callback buttons and puts a link first", () => {
    expect(
      toInlineKeyboard({
        text: "x",
        choices: [[{ label: "A", data: "a" }], [{ label: "B", data: "b" }]],
        link: { label: "Pay", url: "https://pay.example/x" },
      }),
    ).toEqual({
      inline_keyboard: [
        [{ text: "Pay", url: "https://pay.example/x" }],
        [{ text: "A", callback_data: "a" }],
        [{ text: "B", callback_data: "b" }],
      ],
    });
  });

  it("is undefined without choices or link", () => {
    expect(toInlineKeyboard({ text: "x" })).toBeUndefined();
  });
});

describe("splitText", () => {
  it("keeps short text whole", () => {
    expect(splitText("a\nb", 10)).toEqual(["a\nb"]);
  });

  it("splits at line breaks and cuts overlong lines", () => {
    const pieces = splitText(`${"a".repeat(6)}\n${"b".repeat(12)}\nc`, 5);
    expect(pieces).toEqual(["aaaaa", "a", "bbbbb", "bbbbb", "bb\nc"]);
    expect(pieces.every((piece) => piece.length <= 5)).toBe(true);
  });
});

describe("toContactKeyboard", () => {
  it("asks for the person's own number with a one-time button", () => {
    expect(toContactKeyboard("📱 Share my number")).toEqual({
      keyboard: [[{ text: "📱 Share my number", request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
  });
});
