import type { WaitEvents } from "../shared/wait.js";
import type { InternalEvents } from "./context.js";
import { closedError } from "./errors.js";

/** Shopper-side waits re-check after every accepted push. */
export const PUSH_WAITS: WaitEvents<InternalEvents> = { wakeOn: ["push"], closedError };
