import type { MessageEntity } from "grammy/types";
import {
  byteOffset,
  EntityParseError,
  type FormattedText,
  isSpace,
  normalizeEntityUrl,
  sortEntities,
} from "./formatted-text.js";

/**
 * Telegram's MarkdownV2, following tdlib's `parse_markdown_v2`: every character of
 * `_*[]()~\`>#+-=|{}.!` outside code must be escaped with `\`, entities nest, and errors name the
 * entity kind and the UTF-8 byte offset of its opening character ("Can't find end of Bold entity at
 * byte offset 9"). Block quotes (`>` at a line start) are supported; an expandable quote is a quote
 * whose last line ends with `||`.
 */

type Kind =
  | "Bold"
  | "Italic"
  | "Underline"
  | "Strikethrough"
  | "Spoiler"
  | "Code"
  | "Pre"
  | "PreCode"
  | "TextUrl"
  | "CustomEmoji";

interface Open {
  readonly kind: Kind;
  readonly argument: string;
  readonly offset: number;
  readonly sourceIndex: number;
}

const SPECIAL = "_*[]()~`>#+-=|{}.!";

const SIMPLE: Partial<Record<Kind, MessageEntity.CommonMessageEntity["type"]>> = {
  Bold: "bold",
  Italic: "italic",
  Underline: "underline",
  Strikethrough: "strikethrough",
  Spoiler: "spoiler",
  Code: "code",
};

export function parseMarkdownV2(input: string): FormattedText {
  const n = input.length;
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  let out = "";
  let i = 0;
  let lineStart = true;
  let quote: { offset: number; expandable: boolean } | undefined;

  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  const reserved = (ch: string): never =>
    fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
  const append = (ch: string) => {
    out += ch;
    lineStart = ch === "\n" || ch === "\r";
  };
  const inCode = () => {
    const kind = stack.at(-1)?.kind;
    return kind === "Code" || kind === "Pre" || kind === "PreCode";
  };
  const closeQuote = () => {
    if (quote !== undefined && out.length > quote.offset) {
      entities.push({
        type: quote.expandable ? "expandable_blockquote" : "blockquote",
        offset: quote.offset,
        length: out.length - quote.offset,
      });
    }
    quote = undefined;
  };
  const atLineEnd = (index: number) => index >= n || input[index] === "\n" || input[index] === "\r";

  while (i < n) {
    const c = input[i] as string;
    if (lineStart && !inCode()) {
      if (c === ">") {
        quote ??= { offset: out.length, expandable: false };
        lineStart = false;
        i++;
        continue;
      }
      closeQuote();
    }
    lineStart = false;

    const next = input.charCodeAt(i + 1);
    if (c === "\\" && next > 0 && next <= 126) {
      append(input[i + 1] as string);
      i += 2;
      continue;
    }
    if (inCode() ? c !== "`" : !SPECIAL.includes(c)) {
      append(c);
      i++;
      continue;
    }

    const top = stack.at(-1);
    let closes = false;
    switch (top?.kind) {
      case "Bold":
        closes = c === "*";
        break;
      case "Italic":
        closes = c === "_" && input[i + 1] !== "_";
        break;
      case "Underline":
        closes = c === "_" && input[i + 1] === "_";
        break;
      case "Strikethrough":
        closes = c === "~";
        break;
      case "Spoiler":
        closes = c === "|" && input[i + 1] === "|";
        break;
      case "Code":
        closes = c === "`";
        break;
      case "Pre":
      case "PreCode":
        closes = c === "`" && input[i + 1] === "`" && input[i + 2] === "`";
        break;
      case "TextUrl":
      case "CustomEmoji":
        closes = c === "]";
        break;
      case undefined:
        break;
    }

    if (!closes) {
      // An expandable block quote ends with "||" at the end of a quoted line.
      if (quote !== undefined && c === "|" && input[i + 1] === "|" && atLineEnd(i + 2)) {
        quote.expandable = true;
        i += 2;
        continue;
      }
      const sourceIndex = i;
      let kind: Kind;
      let argument = "";
      switch (c) {
        case "_":
          kind = input[i + 1] === "_" ? "Underline" : "Italic";
          i += kind === "Underline" ? 2 : 1;
          break;
        case "*":
          kind = "Bold";
          i++;
          break;
        case "~":
          kind = "Strikethrough";
          i++;
          break;
        case "|":
          if (input[i + 1] !== "|") return reserved(c);
          kind = "Spoiler";
          i += 2;
          break;
        case "[":
          kind = "TextUrl";
          i++;
          break;
        case "!":
          if (input[i + 1] !== "[") return reserved(c);
          kind = "CustomEmoji";
          i += 2;
          break;
        case "`":
          if (input[i + 1] === "`" && input[i + 2] === "`") {
            i += 3;
            kind = "Pre";
            let languageEnd = i;
            while (languageEnd < n && !isSpace(input[languageEnd]) && input[languageEnd] !== "`")
              languageEnd++;
            if (languageEnd !== i && languageEnd < n && input[languageEnd] !== "`") {
              kind = "PreCode";
              argument = input.slice(i, languageEnd);
              i = languageEnd;
            }
            if (input[i] === "\n" || input[i] === "\r") {
              const pair = (input[i + 1] === "\n" || input[i + 1] === "\r") && input[i] !== input[i + 1];
              i += pair ? 2 : 1;
            }
          } else {
            kind = "Code";
            i++;
          }
          break;
        default:
          return reserved(c);
      }
      stack.push({ kind, argument, offset: out.length, sourceIndex });
      continue;
    }

    const open = stack.pop() as Open;
    let url: string | undefined;
    if (open.kind === "TextUrl" || open.kind === "CustomEmoji") {
      i++;
      if (input[i] === "(") {
        const urlStart = i + 1;
        let j = urlStart;
        let raw = "";
        while (j < n && input[j] !== ")") {
          if (input[j] === "\\" && j + 1 < n) {
            raw += input[j + 1];
            j += 2;
          } else {
            raw += input[j];
            j++;
          }
        }
        if (j >= n) {
          const what = open.kind === "TextUrl" ? "a URL" : "a custom emoji URL";
          return fail(`Can't find end of ${what} at byte offset ${byteOffset(input, urlStart)}`);
        }
        url = raw;
        i = j + 1;
      } else if (open.kind === "CustomEmoji") {
        return fail("Custom emoji entity must contain a tg://emoji URL");
      }
    } else {
      i +=
        open.kind === "Pre" || open.kind === "PreCode"
          ? 3
          : open.kind === "Underline" || open.kind === "Spoiler"
            ? 2
            : 1;
    }

    const offset = open.offset;
    const length = out.length - offset;
    if (length === 0) continue;
    const simple = SIMPLE[open.kind];
    if (simple !== undefined) {
      entities.push({ type: simple, offset, length });
    } else if (open.kind === "Pre") {
      entities.push({ type: "pre", offset, length });
    } else if (open.kind === "PreCode") {
      entities.push({ type: "pre", offset, length, language: open.argument });
    } else if (open.kind === "TextUrl") {
      const normalized = normalizeEntityUrl(url ?? out.slice(offset));
      if (normalized !== undefined) entities.push({ type: "text_link", offset, length, url: normalized });
    } else {
      const id = /[?&]id=(\d+)/.exec(url ?? "")?.[1];
      if (id === undefined) return fail("Custom emoji URL must have an emoji identifier");
      entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: id });
    }
  }

  closeQuote();
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    fail(
      `Can't find end of ${unclosed.kind} entity at byte offset ${byteOffset(input, unclosed.sourceIndex)}`,
    );
  }
  return { text: out, entities: sortEntities(entities) };
}
