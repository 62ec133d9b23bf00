import type { MessageEntity } from "grammy/types";
import { badRequest } from "../errors.js";
import { EntityParseError, type FormattedText, trimFormattedText } from "./formatted-text.js";
import { parseHtml } from "./html.js";
import { parseMarkdown } from "./markdown.js";
import { parseMarkdownV2 } from "./markdown-v2.js";

/**
 * Turns the text a bot sent into what Telegram stores: markup parsed per `parse_mode` (case-insensitive
 * like the real API), entities computed, surrounding whitespace trimmed. Without a parse mode, explicit
 * `entities` are kept as given. Markup errors become `400 Bad Request: can't parse entities: …`.
 */
export function parseMessageText(
  raw: string,
  parseMode: string | undefined,
  entities?: unknown,
): FormattedText {
  let parsed: FormattedText;
  try {
    switch (parseMode?.toLowerCase()) {
      case undefined:
      case "":
        parsed = { text: raw, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
        break;
      case "html":
        parsed = parseHtml(raw);
        break;
      case "markdownv2":
        parsed = parseMarkdownV2(raw);
        break;
      case "markdown":
        parsed = parseMarkdown(raw);
        break;
      default:
        throw badRequest("unsupported parse_mode");
    }
  } catch (error) {
    if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
  return trimFormattedText(parsed);
}
