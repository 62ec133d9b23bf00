import type { MessageEntity } from "grammy/types";

/** Plain text plus the entities Telegram derived from markup, with UTF-16 offsets like the Bot API. */
export interface FormattedText {
  readonly text: string;
  readonly entities: MessageEntity[];
}

/** A markup error; the caller turns it into `400 Bad Request: can't parse entities: <message>`. */
export class EntityParseError extends Error {
  override name = "EntityParseError";
}

/** Telegram reports markup errors at UTF-8 byte offsets of the raw text. */
export function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), "utf8");
}

export function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

/** Entity order used by Telegram: by offset, outer (longer) entities first. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities
    .map((entity, index) => ({ entity, index }))
    .sort(
      (a, b) => a.entity.offset - b.entity.offset || b.entity.length - a.entity.length || a.index - b.index,
    )
    .map(({ entity }) => entity);
}

/**
 * Telegram keeps text_link entities only for URLs it accepts: a scheme-less host gets `http://`,
 * and http(s) URLs need a dotted host name. Returns the normalised URL, or undefined to drop it.
 */
export function normalizeEntityUrl(url: string): string | undefined {
  if (url === "" || /\s/.test(url)) return undefined;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(url);
  try {
    const parsed = new URL(hasScheme ? url : `http://${url}`);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return parsed.hostname.includes(".") || parsed.hostname === "localhost" ? parsed.href : undefined;
    }
    return ["tg:", "ton:", "mailto:", "tel:"].includes(parsed.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Strip leading and trailing whitespace as Telegram does, moving and clipping entities to match. */
export function trimFormattedText(input: FormattedText): FormattedText {
  const lead = /^[ \t\r\n]*/.exec(input.text)?.[0].length ?? 0;
  const trail = /[ \t\r\n]*$/.exec(input.text.slice(lead))?.[0].length ?? 0;
  const text = input.text.slice(lead, input.text.length - trail);
  const entities: MessageEntity[] = [];
  for (const entity of input.entities) {
    const start = Math.max(entity.offset - lead, 0);
    const end = Math.min(entity.offset + entity.length - lead, text.length);
    if (end > start) entities.push({ ...entity, offset: start, length: end - start });
  }
  return { text, entities };
}
