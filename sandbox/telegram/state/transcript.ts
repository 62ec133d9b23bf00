import type { ChatMessage, TranscriptEntry } from "../types.js";

export type NewTranscriptEntry = Omit<TranscriptEntry, "seq" | "at">;

/** The conversation as readable lines, in the order things happened. */
export class Transcript {
  private readonly entries: TranscriptEntry[] = [];

  constructor(private readonly onEntry: (entry: TranscriptEntry) => void) {}

  record(entry: NewTranscriptEntry): TranscriptEntry {
    const full: TranscriptEntry = { ...entry, seq: this.entries.length + 1, at: new Date() };
    this.entries.push(full);
    this.onEntry(full);
    return full;
  }

  list(chatId?: number): TranscriptEntry[] {
    return chatId === undefined ? [...this.entries] : this.entries.filter((entry) => entry.chatId === chatId);
  }
}

export function entryForMessage(
  message: ChatMessage,
  kind: "message" | "edit" | "delete",
): NewTranscriptEntry {
  const markup = message.replyMarkup;
  const keyboard =
    markup !== undefined && "keyboard" in markup
      ? markup.keyboard.map((row) => row.map((button) => (typeof button === "string" ? button : button.text)))
      : undefined;
  const contact = message.message.contact;
  return {
    direction: message.direction,
    kind,
    chatId: message.chatId,
    messageId: message.messageId,
    ...(message.text === undefined ? {} : { text: message.text }),
    buttons: message.buttons,
    ...(keyboard === undefined ? {} : { keyboard }),
    ...(message.media === undefined
      ? {}
      : {
          media: {
            kind: message.media.kind,
            fileSize: message.media.fileSize,
            ...(message.media.fileName === undefined ? {} : { fileName: message.media.fileName }),
          },
        }),
    ...(contact === undefined
      ? {}
      : { contact: { phoneNumber: contact.phone_number, own: contact.user_id === message.chatId } }),
  };
}

/** One entry as a line such as `bot → 42 #3: Pick a product [Tea] [Coffee]`, for demos and errors. */
export function formatTranscriptEntry(entry: TranscriptEntry): string {
  const who = entry.direction === "bot" ? `bot → ${entry.chatId}` : `${entry.chatId} → bot`;
  const id = entry.messageId === undefined ? "" : ` #${entry.messageId}`;
  const parts: string[] = [];
  if (entry.kind === "edit") parts.push("(edited)");
  if (entry.kind === "delete") parts.push("(deleted)");
  if (entry.kind === "press") parts.push("(pressed)");
  if (entry.kind === "answer") parts.push("(answered callback)");
  if (entry.media !== undefined) {
    parts.push(
      `[${entry.media.kind}${entry.media.fileName === undefined ? "" : ` ${entry.media.fileName}`}, ${entry.media.fileSize} B]`,
    );
  }
  if (entry.contact !== undefined)
    parts.push(`[contact ${entry.contact.phoneNumber}${entry.contact.own ? "" : " (not own)"}]`);
  if (entry.text !== undefined) parts.push(JSON.stringify(entry.text));
  if (entry.callbackData !== undefined) parts.push(`data=${JSON.stringify(entry.callbackData)}`);
  if (entry.buttons.length > 0) parts.push(entry.buttons.map((button) => `[${button.text}]`).join(" "));
  if (entry.keyboard !== undefined)
    parts.push(`keyboard: ${entry.keyboard.map((row) => row.join(" | ")).join(" / ")}`);
  return `${who}${id}: ${parts.join(" ")}`;
}
