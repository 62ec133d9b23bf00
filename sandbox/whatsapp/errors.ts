/**
 * What a *test* sees when it misuses the stand-in or a wait times out. What the *bot* sees are plain
 * `Error`s worded like whatsapp-web.js's and puppeteer's (a closed session, a failed navigation).
 */
export type WhatsAppStandInErrorCode = "timeout" | "closed" | "invalid_use";

export class WhatsAppStandInError extends Error {
  override readonly name = "WhatsAppStandInError";
  constructor(
    readonly code: WhatsAppStandInErrorCode,
    message: string,
  ) {
    super(message);
  }
}
