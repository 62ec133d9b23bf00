/** The WhatsApp channel (whatsapp-web.js): the adapter, the client it drives, and the pure mappings. */

export {
  createWhatsAppAdapter,
  defaultWhatsAppAdapterOptions,
  type InboundHandler,
  printQrInTerminal,
  type WhatsAppAdapter,
  type WhatsAppAdapterEvents,
  type WhatsAppAdapterOptions,
  type WhatsAppState,
} from "./adapter.js";
export {
  CHROMIUM_ARGS,
  createWhatsAppWebClient,
  DEFAULT_CHROMIUM_PATH,
  type MessageIdLike,
  type MessageLike,
  type MessageMediaLike,
  type WhatsAppClientEvent,
  type WhatsAppClientEvents,
  type WhatsAppClientLike,
  type WhatsAppSendOptions,
  type WhatsAppWebClientOptions,
} from "./client.js";
export { isIgnored, phoneFromVCard, phoneOf, toInboundMessage, toInputId } from "./normalize.js";
export {
  MAX_CAPTION,
  MAX_TEXT,
  NUMBER_HINT,
  numberedLine,
  splitText,
  toWhatsAppMessages,
  toWhatsAppText,
  type WhatsAppPart,
} from "./render.js";
export { createGridFsSessionStore, type GridFsSessionStoreOptions, SESSION_BUCKET } from "./session-store.js";
