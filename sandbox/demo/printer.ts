import type { TranscriptEntry } from "../telegram/index.js";

/** Prints the emulated chats as a readable conversation: who said what, and which buttons they saw. */
export function createConversationPrinter(names: ReadonlyMap<number, string>, write: (line: string) => void) {
  const nameOf = (chatId: number) => names.get(chatId) ?? `chat ${chatId}`;
  const indent = (text: string) =>
    text
      .split("\n")
      .map((line) => `     ${line}`)
      .join("\n");
  return (entry: TranscriptEntry): void => {
    const who = nameOf(entry.chatId);
    if (entry.kind === "press") {
      write(`👆 ${who} taps [${entry.text ?? entry.callbackData}]`);
      return;
    }
    if (entry.kind !== "message") return;
    const media = entry.media ? ` (${entry.media.kind}, ${entry.media.fileSize} bytes)` : "";
    if (entry.direction === "user") {
      const said = entry.contact ? `📇 shares the number ${entry.contact.phoneNumber}` : (entry.text ?? "");
      write(`\n💬 ${who}${media}: ${said}`);
      return;
    }
    write(`🤖 Duka → ${who}${media}:`);
    if (entry.text) write(indent(entry.text));
    const buttons = entry.buttons.map((button) => `[${button.text}]`);
    const oneLine = buttons.join(" ");
    if (buttons.length > 0) write(indent(oneLine.length <= 90 ? oneLine : buttons.join("\n")));
  };
}
