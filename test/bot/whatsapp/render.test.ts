import { describe, expect, it } from "vitest";
import {
  MAX_CAPTION,
  NUMBER_HINT,
  splitText,
  toWhatsAppMessages,
  toWhatsAppText,
} from "../../../src/bot/whatsapp/render.js";
import { matchMenu } from "../../../src/conversations/input.js";
import type { Choice, Reply } from "../../../src/domain/channel.js";

const choice = (label: string): Choice => ({ label, data: `d:${label}` });
const receipt = { mediaId: "med_1", mimeType: "image/jpeg" };

/** The number in front of each "*N.* label" line, with its label. */
function numbered(text: string): [number, string][] {
  return text
    .split("\n")
    .map((line) => /^\*(\d+)\.\* (.+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [Number(match[1]), match[2]!]);
}

describe("toWhatsAppText", () => {
  it("numbers the choices row by row, like the machine's flattened menu, then the hint", () => {
    const reply: Reply = {
      text: "Pick a *product*:",
      choices: [[choice("Tea"), choice("Coffee")], [choice("Cake")], [choice("🛒 Cart")]],
    };
    const text = toWhatsAppText(reply);
    expect(text).toBe(
      ["Pick a *product*:", "", "*1.* Tea", "*2.* Coffee", "*3.* Cake", "*4.* 🛒 Cart", NUMBER_HINT].join(
        "\n",
      ),
    );
    // What a shopper types back picks the choice shown under that number.
    const menu = reply.choices!.flat();
    for (const [number, label] of numbered(text)) {
      const match = matchMenu(String(number), menu);
      expect(match).toEqual({ kind: "choice", choice: menu.find((item) => item.label === label) });
    }
  });

  it("keeps *bold* as WhatsApp's own syntax and does not escape HTML", () => {
    expect(toWhatsAppText({ text: "Total: *KES 480.00* <b>&" })).toBe("Total: *KES 480.00* <b>&");
  });

  it("writes a link as a line 'label: url'", () => {
    expect(
      toWhatsAppText({ text: "Pay here", link: { label: "Pay by card", url: "https://pay.example/x" } }),
    ).toBe("Pay here\nPay by card: https://pay.example/x");
  });

  it("ignores requestContact: WhatsApp already knows the number", () => {
    expect(toWhatsAppText({ text: "Which number?", requestContact: "📱 Share my number" })).toBe(
      "Which number?",
    );
  });

  it("has no hint without choices", () => {
    expect(toWhatsAppText({ text: "Hi", choices: [] })).not.toContain(NUMBER_HINT);
  });
});

describe("splitText", () => {
  it("keeps short text whole and splits long text at line breaks", () => {
    expect(splitText("a\nb", 10)).toEqual(["a\nb"]);
    const pieces = splitText(`${"a".repeat(6)}\n${"b".repeat(12)}\nc`, 5);
    expect(pieces).toEqual(["aaaaa", "a", "bbbbb", "bbbbb", "bb\nc"]);
  });
});

describe("toWhatsAppMessages", () => {
  it("sends a short reply as one text", () => {
    expect(toWhatsAppMessages({ text: "Hi" })).toEqual([{ kind: "text", text: "Hi" }]);
  });

  it("splits a long text at line breaks under 4000 characters", () => {
    const line = "x".repeat(99);
    const text = Array.from({ length: 100 }, () => line).join("\n"); // 9999 characters
    const parts = toWhatsAppMessages({ text });
    expect(parts.length).toBe(3);
    for (const part of parts) {
      expect(part.kind).toBe("text");
      if (part.kind === "text") {
        expect(part.text.length).toBeLessThanOrEqual(4000);
        expect(part.text.split("\n").every((piece) => piece === line)).toBe(true);
      }
    }
  });

  it("continues a long list's numbering in the next message, hint at the end", () => {
    const labels = Array.from({ length: 300 }, (_, index) => `Product number ${index + 1} ${"·".repeat(20)}`);
    const parts = toWhatsAppMessages({ text: "Catalog", choices: labels.map((label) => [choice(label)]) });
    expect(parts.length).toBeGreaterThan(1);
    const texts = parts.map((part) => (part.kind === "text" ? part.text : ""));
    const numbers = texts.flatMap((text) => numbered(text).map(([number]) => number));
    expect(numbers).toEqual(labels.map((_, index) => index + 1));
    expect(numbered(texts[1]!)[0]![0]).toBeGreaterThan(1);
    expect(texts.at(-1)!.endsWith(NUMBER_HINT)).toBe(true);
    expect(texts.slice(0, -1).some((text) => text.includes(NUMBER_HINT))).toBe(false);
  });

  it("puts a short text as the media's caption", () => {
    expect(toWhatsAppMessages({ text: "Receipt for *DK-7F3K2*", media: receipt })).toEqual([
      { kind: "media", media: receipt, caption: "Receipt for *DK-7F3K2*" },
    ]);
  });

  it("includes the numbered choices in the caption when they fit", () => {
    const [part] = toWhatsAppMessages({
      text: "Proof",
      media: receipt,
      choices: [[choice("Confirm"), choice("Reject")]],
    });
    expect(part).toEqual({
      kind: "media",
      media: receipt,
      caption: `Proof\n\n*1.* Confirm\n*2.* Reject\n${NUMBER_HINT}`,
    });
  });

  it("sends the media first and the text after it when the caption would be over 1024 characters", () => {
    const text = "y".repeat(MAX_CAPTION + 1);
    expect(toWhatsAppMessages({ text, media: receipt })).toEqual([
      { kind: "media", media: receipt },
      { kind: "text", text },
    ]);
    expect(toWhatsAppMessages({ text: "y".repeat(MAX_CAPTION), media: receipt })).toHaveLength(1);
  });

  it("sends bare media for an empty text, and nothing for an empty reply", () => {
    expect(toWhatsAppMessages({ text: "", media: receipt })).toEqual([{ kind: "media", media: receipt }]);
    expect(toWhatsAppMessages({ text: "" })).toEqual([]);
  });
});

describe("buttons-only choices", () => {
  it("are left out: the text says how to answer by typing", () => {
    const text = toWhatsAppText({
      text: "New receipt for *DK-7F3K2*. Reply /confirm DK-7F3K2, or /reject DK-7F3K2 and the reason.",
      choices: [[{ label: "✅ Confirm", data: "m:ok:DK-7F3K2" }]],
      buttonsOnly: true,
    });
    expect(text).toBe(
      "New receipt for *DK-7F3K2*. Reply /confirm DK-7F3K2, or /reject DK-7F3K2 and the reason.",
    );
  });
});
