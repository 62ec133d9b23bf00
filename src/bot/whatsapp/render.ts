/**
 * Turns channel-neutral replies into WhatsApp messages. Pure.
 *
 * WhatsApp has no buttons a bot can rely on (whatsapp-web.js's Buttons and Lists are deprecated
 * and do not arrive), so choices become numbered lines. The numbers MUST follow the dialogue
 * machine's flattened menu (`reply.choices.flat()`, row by row): it matches a typed "N" to the Nth
 * choice of that list. `*bold*` is WhatsApp's own syntax and passes through.
 */

import type { Reply } from "../../domain/channel.js";
import { splitText as splitLines } from "../split-text.js";

/** WhatsApp accepts far longer texts; 4000 keeps a message readable and under every client's cap. */
export const MAX_TEXT = 4000;
export const MAX_CAPTION = 1024;
export const NUMBER_HINT = "Reply with a number.";

/** One message to send: a text, or a stored file with an optional caption. */
export type WhatsAppPart =
  | { readonly kind: "text"; readonly text: string }
  | {
      readonly kind: "media";
      readonly media: NonNullable<Reply["media"]>;
      readonly caption?: string;
    };

/** `*3.* Tea`: the number in bold so it stands out from the label. */
export function numberedLine(number: number, label: string): string {
  return `*${number}.* ${label}`;
}

/** The reply as one text: the text, the link as "label: url", then the numbered choices and the hint. */
export function toWhatsAppText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.text !== "") lines.push(reply.text);
  if (reply.link) lines.push(`${reply.link.label}: ${reply.link.url}`);
  // Buttons-only choices (merchant alerts) would be numbers no typed reply can be matched to.
  const choices = reply.buttonsOnly ? [] : (reply.choices ?? []).flat();
  if (choices.length > 0) {
    if (lines.length > 0) lines.push("");
    choices.forEach((choice, index) => {
      lines.push(numberedLine(index + 1, choice.label));
    });
    lines.push(NUMBER_HINT);
  }
  // `requestContact` is left out on purpose: WhatsApp already tells us the shopper's number.
  return lines.join("\n");
}

/** Pieces the channel accepts, split at line breaks. */
export function splitText(text: string, limit = MAX_TEXT): string[] {
  return splitLines(text, limit);
}

/**
 * The messages that carry one reply, in order. With media, the whole text is its caption when it
 * fits (1024 characters); otherwise the media goes first, bare, and the text follows.
 */
export function toWhatsAppMessages(reply: Reply, limit = MAX_TEXT): WhatsAppPart[] {
  const text = toWhatsAppText(reply);
  if (reply.media) {
    if (text.length <= MAX_CAPTION) {
      return [{ kind: "media", media: reply.media, ...(text ? { caption: text } : {}) }];
    }
    return [{ kind: "media", media: reply.media }, ...textParts(text, limit)];
  }
  return textParts(text, limit);
}

/** WhatsApp cannot send an empty message: blank pieces are dropped. */
function textParts(text: string, limit: number): WhatsAppPart[] {
  return splitText(text, limit)
    .filter((piece) => piece.trim() !== "")
    .map((piece) => ({ kind: "text", text: piece }));
}
