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
 * Telegram's HTML parse mode, following tdlib's `parse_html` (the Bot API server's parser): the same
 * supported tags, the same lenient attribute syntax, and the same error messages with UTF-8 byte
 * offsets. Only `&lt; &gt; &amp; &quot;` and numeric character references are decoded; any other `&`
 * stays literal.
 */

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "tg-emoji",
  "code",
  "pre",
  "blockquote",
]);

const SIMPLE_TYPES: Record<string, MessageEntity.CommonMessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  span: "spoiler",
  "tg-spoiler": "spoiler",
};

interface OpenTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly offset: number;
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Decodes the character reference at `start` (which holds `&`), or undefined to keep `&` literal. */
function decodeEntity(input: string, start: number): { text: string; end: number } | undefined {
  let end = start + 1;
  let text: string | undefined;
  if (input[end] === "#") {
    end++;
    const hex = input[end] === "x";
    if (hex) end++;
    const digitsStart = end;
    while (end < input.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(input[end] ?? "")) end++;
    const digits = input.slice(digitsStart, end);
    const code = digits === "" ? 0 : Number.parseInt(digits, hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff || end - start >= 10) return undefined;
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new EntityParseError(
        "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
      );
    }
    text = String.fromCodePoint(code);
  } else {
    while (end < input.length && /[A-Za-z]/.test(input[end] ?? "")) end++;
    text = NAMED_ENTITIES[input.slice(start + 1, end)];
    if (text === undefined) return undefined;
  }
  if (input[end] === ";") end++;
  return { text, end };
}

export function parseHtml(input: string): FormattedText {
  const n = input.length;
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  // <code class="language-x"> spanning exactly a <pre> turns that pre into a pre with a language.
  const codeLanguages = new Map<MessageEntity, string>();
  let out = "";
  let i = 0;
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  const at = (index: number) => byteOffset(input, index);

  while (i < n) {
    const c = input[i];
    if (c === "&") {
      const decoded = decodeEntity(input, i);
      if (decoded !== undefined) {
        out += decoded.text;
        i = decoded.end;
        continue;
      }
    }
    if (c !== "<") {
      out += c;
      i++;
      continue;
    }

    const begin = i++;
    if (input[i] !== "/") {
      while (i < n && !isSpace(input[i]) && input[i] !== ">") i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${at(begin)}`);
      const name = input.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${at(begin)}`);

      const attributes = new Map<string, string>();
      while (input[i] !== ">") {
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${name}" at byte offset ${at(begin)}`);
        if (input[i] === ">") break;
        const attributeBegin = i;
        while (i < n && !isSpace(input[i]) && input[i] !== "=" && input[i] !== ">") i++;
        const attributeName = input.slice(attributeBegin, i).toLowerCase();
        if (attributeName === "")
          fail(`Empty attribute name in the tag "${name}" at byte offset ${at(begin)}`);
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${name}" at byte offset ${at(begin)}`);
        if (input[i] !== "=") {
          attributes.set(attributeName, "");
          continue;
        }
        i++;
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${name}" at byte offset ${at(begin)}`);
        let value = "";
        const quote = input[i];
        if (quote !== "'" && quote !== '"') {
          const tokenBegin = i;
          while (i < n && /[A-Za-z0-9.-]/.test(input[i] ?? "")) i++;
          value = input.slice(tokenBegin, i).toLowerCase();
          if (i < n && !isSpace(input[i]) && input[i] !== ">") {
            fail(`Unexpected end of name token at byte offset ${at(tokenBegin)}`);
          }
        } else {
          i++;
          while (i < n && input[i] !== quote) {
            if (input[i] === "&") {
              const decoded = decodeEntity(input, i);
              if (decoded !== undefined) {
                value += decoded.text;
                i = decoded.end;
                continue;
              }
            }
            value += input[i];
            i++;
          }
          if (input[i] === quote) i++;
        }
        if (i >= n) fail(`Unclosed start tag at byte offset ${at(begin)}`);
        if (!attributes.has(attributeName)) attributes.set(attributeName, value);
      }
      i++;
      if (name === "span" && attributes.get("class") !== "tg-spoiler") {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at(begin)}`);
      }
      stack.push({ name, attributes, offset: out.length });
      continue;
    }

    if (stack.length === 0) fail(`Unexpected end tag at byte offset ${at(begin)}`);
    i++;
    const nameBegin = i;
    while (i < n && !isSpace(input[i]) && input[i] !== ">") i++;
    const endName = input.slice(nameBegin, i).toLowerCase();
    while (i < n && isSpace(input[i])) i++;
    if (i >= n || input[i] !== ">") fail(`Unclosed end tag at byte offset ${at(begin)}`);
    i++;
    const open = stack.pop() as OpenTag;
    if (endName !== "" && endName !== open.name) {
      fail(
        `Unmatched end tag at byte offset ${at(begin)}, expected "</${open.name}>", found "</${endName}>"`,
      );
    }
    const length = out.length - open.offset;
    if (length > 0) addEntity(entities, codeLanguages, open, length, out.slice(open.offset));
  }

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: out, entities: sortEntities(entities) };
}

function addEntity(
  entities: MessageEntity[],
  codeLanguages: Map<MessageEntity, string>,
  open: OpenTag,
  length: number,
  inner: string,
): void {
  const offset = open.offset;
  const sameRange = (e: MessageEntity) => e.offset === offset && e.length === length;
  if (open.name === "code") {
    const language = /^language-(.+)$/.exec(open.attributes.get("class") ?? "")?.[1];
    const pre = entities.find((e) => e.type === "pre" && sameRange(e));
    if (language !== undefined && pre !== undefined) {
      entities[entities.indexOf(pre)] = { type: "pre", offset, length, language };
      return;
    }
    const code: MessageEntity = { type: "code", offset, length };
    entities.push(code);
    if (language !== undefined) codeLanguages.set(code, language);
    return;
  }
  if (open.name === "pre") {
    const code = entities.find((e) => e.type === "code" && sameRange(e) && codeLanguages.has(e));
    if (code !== undefined) {
      entities[entities.indexOf(code)] = {
        type: "pre",
        offset,
        length,
        language: codeLanguages.get(code) ?? "",
      };
    } else {
      entities.push({ type: "pre", offset, length });
    }
    return;
  }
  const simple = SIMPLE_TYPES[open.name];
  if (simple !== undefined) {
    entities.push({ type: simple, offset, length });
    return;
  }
  switch (open.name) {
    case "a": {
      const url = normalizeEntityUrl(open.attributes.get("href") || inner);
      if (url !== undefined) entities.push({ type: "text_link", offset, length, url });
      return;
    }
    case "blockquote":
      entities.push({
        type: open.attributes.has("expandable") ? "expandable_blockquote" : "blockquote",
        offset,
        length,
      });
      return;
    case "tg-emoji":
      entities.push({
        type: "custom_emoji",
        offset,
        length,
        custom_emoji_id: open.attributes.get("emoji-id") ?? "",
      });
      return;
  }
}
