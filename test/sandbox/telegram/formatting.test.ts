import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { parseHtml } from "../../../sandbox/telegram/formatting/html.js";
import { parseMarkdownV2 } from "../../../sandbox/telegram/formatting/markdown-v2.js";
import { parseMessageText } from "../../../sandbox/telegram/formatting/parse.js";

// Cases and messages follow tdlib's own tests for parse_html / parse_markdown_v2 (the parser behind
// the Bot API). "🏟" is 4 UTF-8 bytes and 2 UTF-16 units; "➡️" is 6 bytes and 2 units.

const bold = (offset: number, length: number): MessageEntity => ({ type: "bold", offset, length });
const italic = (offset: number, length: number): MessageEntity => ({ type: "italic", offset, length });

describe("HTML parse mode", () => {
  it.each([
    ["🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"],
    ["🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'],
    ["🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'],
    ["🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'],
    ["🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'],
    ["🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"],
    ['🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"],
    ["🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"],
    ["🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"],
    ["🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"],
    ["🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'],
    ["a < b", 'Unsupported start tag "" at byte offset 2'],
    ["<br>", 'Unsupported start tag "br" at byte offset 0'],
    ['<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
  ])("rejects %j", (input, message) => {
    expect(() => parseHtml(input)).toThrow(message);
  });

  it.each<[string, string, MessageEntity[]]>([
    ["&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '&ge;<>&"&laquo;&raquo;&#12345678;', []],
    ["➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [italic(5, 5)]],
    ["🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [italic(5, 6)]],
    ["🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>", "🏟 🏟🏟 ><🏟", [italic(5, 7), bold(9, 3)]],
    ["🏟 🏟&lt;<i>a</    >", "🏟 🏟<a", [italic(6, 1)]],
    ["🏟 🏟&lt;<b></b>", "🏟 🏟<", []],
    [
      "<i><b> </b> <code> </code></i>",
      "   ",
      [italic(0, 3), bold(0, 1), { type: "code", offset: 2, length: 1 }],
    ],
    [
      "<a href=telegram.org> </a>",
      " ",
      [{ type: "text_link", offset: 0, length: 1, url: "http://telegram.org/" }],
    ],
    [
      "<a>telegram.org</a>",
      "telegram.org",
      [{ type: "text_link", offset: 0, length: 12, url: "http://telegram.org/" }],
    ],
    ["<a>telegram.org </a>", "telegram.org ", []],
    ["<a> </a>", " ", []],
    [
      '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>',
      "🏟 🏟<🏟 🏟<",
      [{ type: "pre", offset: 6, length: 6, language: "fift" }],
    ],
    [
      '🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>',
      "🏟 🏟<🏟 🏟<",
      [{ type: "pre", offset: 6, length: 6, language: "fift" }],
    ],
    [
      '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</> </>',
      "🏟 🏟<🏟 🏟< ",
      [
        { type: "pre", offset: 6, length: 7 },
        { type: "code", offset: 6, length: 6 },
      ],
    ],
    [
      '➡️ ➡️<span class = "tg-spoiler">➡️ ➡️</span><b>➡️ ➡️</b>',
      "➡️ ➡️➡️ ➡️➡️ ➡️",
      [{ type: "spoiler", offset: 5, length: 5 }, bold(10, 5)],
    ],
    [
      "<blockquote   expandable>a&lt;<pre  >b;</></>",
      "a<b;",
      [
        { type: "expandable_blockquote", offset: 0, length: 4 },
        { type: "pre", offset: 2, length: 2 },
      ],
    ],
  ])("parses %j", (input, text, entities) => {
    expect(parseHtml(input)).toEqual({ text, entities });
  });
});

describe("MarkdownV2 parse mode", () => {
  it.each([..."]()#+-=|{}.!"])("requires escaping %s", (character) => {
    expect(() => parseMarkdownV2(character)).toThrow(
      `Character '${character}' is reserved and must be escaped with the preceding '\\'`,
    );
    expect(parseMarkdownV2(`\\${character}`)).toEqual({ text: character, entities: [] });
  });

  it.each([
    ["🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"],
    ["🏟 🏟_abac * asd ", "Can't find end of Bold entity at byte offset 15"],
    ["🏟 🏟_abac * asd _", "Can't find end of Italic entity at byte offset 21"],
    ["🏟 🏟`", "Can't find end of Code entity at byte offset 9"],
    ["🏟 🏟```", "Can't find end of Pre entity at byte offset 9"],
    ["🏟 🏟```a", "Can't find end of Pre entity at byte offset 9"],
    ["🏟 🏟```a ", "Can't find end of PreCode entity at byte offset 9"],
    ["🏟 🏟__🏟 🏟_", "Can't find end of Italic entity at byte offset 20"],
    ["🏟 🏟_🏟 🏟__", "Can't find end of Underline entity at byte offset 19"],
    ["🏟 🏟```🏟 🏟`", "Can't find end of Code entity at byte offset 21"],
    ["[telegram\\.org](asd\\)", "Can't find end of a URL at byte offset 16"],
    ["🏟 🏟||test\\|", "Can't find end of Spoiler entity at byte offset 9"],
    ["🏟 🏟>", "Character '>' is reserved and must be escaped with the preceding '\\'"],
  ])("rejects %j", (input, message) => {
    expect(() => parseMarkdownV2(input)).toThrow(message);
  });

  it.each<[string, string, MessageEntity[]]>([
    ["🏟 🏟_abac \\* asd _", "🏟 🏟abac * asd ", [italic(5, 11)]],
    ["➡️ ➡️_➡️ ➡️_*➡️ ➡️*", "➡️ ➡️➡️ ➡️➡️ ➡️", [italic(5, 5), bold(10, 5)]],
    ["🏟 🏟_🏟 __🏟___", "🏟 🏟🏟 🏟", [italic(5, 5), { type: "underline", offset: 8, length: 2 }]],
    ["🏟 🏟```🏟 🏟```", "🏟 🏟 🏟", [{ type: "pre", offset: 5, length: 3, language: "🏟" }]],
    ["||test||", "test", [{ type: "spoiler", offset: 0, length: 4 }]],
    [
      "[telegram\\.org](telegram.dog)",
      "telegram.org",
      [{ type: "text_link", offset: 0, length: 12, url: "http://telegram.dog/" }],
    ],
    ["[telegram\\.org]()", "telegram.org", []],
    ["> \n> \n>", " \n \n", [{ type: "blockquote", offset: 0, length: 4 }]],
    ["abc\n> \n> \n>\ndef", "abc\n \n \n\ndef", [{ type: "blockquote", offset: 4, length: 5 }]],
    [
      ">asd\n>q||e||w||\nasdad",
      "asd\nqew\nasdad",
      [
        { type: "expandable_blockquote", offset: 0, length: 8 },
        { type: "spoiler", offset: 5, length: 1 },
      ],
    ],
  ])("parses %j", (input, text, entities) => {
    expect(parseMarkdownV2(input)).toEqual({ text, entities });
  });
});

describe("parseMessageText", () => {
  it("trims surrounding whitespace and moves entities with it", () => {
    expect(parseMessageText("  \n<b>Total</b> KES 150 \n", "HTML")).toEqual({
      text: "Total KES 150",
      entities: [bold(0, 5)],
    });
  });

  it("accepts parse modes case-insensitively and refuses unknown ones", () => {
    expect(parseMessageText("<i>x</i>", "html").entities).toEqual([italic(0, 1)]);
    expect(() => parseMessageText("x", "BBCode")).toThrow("Bad Request: unsupported parse_mode");
  });

  it("prefixes markup errors the way the Bot API reports them", () => {
    expect(() => parseMessageText("<b>x", "HTML")).toThrow(
      "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    );
  });
});
