import type { MessageEntity } from "grammy/types";
import { byteOffset, EntityParseError, type FormattedText, normalizeEntityUrl } from "./formatted-text.js";

/**
 * Telegram's legacy `Markdown` mode: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ```` and
 * `[text](url)`, no nesting, `\` escapes only `_*`[`. An unclosed entity fails with "Can't find end of
 * the entity starting at byte offset N".
 */
export function parseMarkdown(input: string): FormattedText {
  const n = input.length;
  const entities: MessageEntity[] = [];
  let out = "";
  let i = 0;
  while (i < n) {
    const c = input[i] as string;
    if (c === "\\" && "_*`[".includes(input[i + 1] ?? " ")) {
      out += input[i + 1];
      i += 2;
      continue;
    }
    if (!"_*`[".includes(c)) {
      out += c;
      i++;
      continue;
    }
    const begin = i++;
    const isPre = c === "`" && input[i] === "`" && input[i + 1] === "`";
    let language: string | undefined;
    if (isPre) {
      i += 2;
      const newline = input.indexOf("\n", i);
      const fence = input.indexOf("```", i);
      if (newline !== -1 && (fence === -1 || newline < fence) && newline > i) {
        language = input.slice(i, newline);
        i = newline + 1;
      }
    }
    const end = c === "[" ? "]" : c;
    const offset = out.length;
    while (i < n && (isPre ? input.slice(i, i + 3) !== "```" : input[i] !== end)) {
      out += input[i];
      i++;
    }
    if (i >= n) {
      throw new EntityParseError(
        `Can't find end of the entity starting at byte offset ${byteOffset(input, begin)}`,
      );
    }
    i += isPre ? 3 : 1;
    const length = out.length - offset;
    let url: string | undefined;
    if (c === "[" && input[i] === "(") {
      const close = input.indexOf(")", i);
      if (close !== -1) {
        url = input.slice(i + 1, close);
        i = close + 1;
      }
    }
    if (length === 0) continue;
    if (c === "*") entities.push({ type: "bold", offset, length });
    else if (c === "_") entities.push({ type: "italic", offset, length });
    else if (isPre)
      entities.push(language ? { type: "pre", offset, length, language } : { type: "pre", offset, length });
    else if (c === "`") entities.push({ type: "code", offset, length });
    else {
      const normalized = normalizeEntityUrl(url ?? out.slice(offset));
      if (normalized !== undefined) entities.push({ type: "text_link", offset, length, url: normalized });
    }
  }
  return { text: out, entities };
}
