/**
 * A stand-in for whatsapp-web.js, for tests and the offline demo: clients shaped like the library's
 * `Client` (pass `standIn.clientFactory` to `createWhatsAppAdapter`) and in-process user drivers.
 */

export type { WaitOptions } from "../shared/wait.js";
export { SESSION_CLOSED, StandInClient, type StandInClientStatus } from "./client.js";
export { WhatsAppStandInError, type WhatsAppStandInErrorCode } from "./errors.js";
export { parseChoices, type StandInMessage, toVCard } from "./messages.js";
export {
  createWhatsAppStandIn,
  UNREACHABLE_REASON,
  WhatsAppStandIn,
  type WhatsAppStandInOptions,
} from "./stand-in.js";
export type { SentMedia, SentMessage, TranscriptEntry } from "./types.js";
export {
  type MessageMatcher,
  type SendDocumentOptions,
  type SendImageOptions,
  type ShareContactOptions,
  WhatsAppUser,
} from "./user.js";
