import type { WaitEvents } from "../shared/wait.js";
import type { InternalEvents } from "./context.js";
import { TelegramEmulatorError } from "./errors.js";

/** User drivers' waits re-check after every chat change and callback answer. */
export const USER_WAITS: WaitEvents<InternalEvents> = {
  wakeOn: ["chat", "answer"],
  closedError: () => new TelegramEmulatorError("closed", "The Telegram emulator was closed while waiting"),
};
