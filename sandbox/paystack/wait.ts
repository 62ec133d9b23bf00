import type { WaitEvents } from "../shared/wait.js";
import type { InternalEvents } from "./context.js";
import { PaystackEmulatorError } from "./errors.js";

/** In-process waits re-check after every transaction change. */
export const TRANSACTION_WAITS: WaitEvents<InternalEvents> = {
  wakeOn: ["transaction"],
  closedError: () => new PaystackEmulatorError("closed", "The Paystack emulator was closed while waiting"),
};
