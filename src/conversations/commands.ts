/**
 * Shopper commands, valid in every step: /start, /help, /cart, /orders, /cancel. Typed
 * keywords ("help", "cart") and the Cancel button land here too.
 */
import { parseOrderReference } from "../domain/reference.js";
import { NOTICES, unknownCommandNotice } from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import { orderRefOf, showCart, showCatalog, showCurrent, showHelp, startConversation } from "./views.js";

export type CommandName = "start" | "help" | "cart" | "orders" | "cancel";

const COMMANDS: readonly string[] = ["start", "help", "cart", "orders", "cancel"];

/** "/Start@DukaBot" → "start"; null for a command this bot does not have. */
export function toCommandName(command: string): CommandName | null {
  const name = command.trim().replace(/^\//, "").split("@")[0]?.toLowerCase() ?? "";
  return COMMANDS.includes(name) ? (name as CommandName) : null;
}

export function runCommand(turn: Turn, command: string, args: string): Draft {
  switch (toCommandName(command)) {
    case "start":
      return startConversation(turn);
    case "help":
      return showHelp(turn);
    case "cart":
      return showCart(turn);
    case "orders":
      return listOrders(turn);
    case "cancel":
      return cancel(turn, args);
    case null:
      // The current prompt again, so its buttons stay usable; /help is one tap away.
      return showCurrent(turn, unknownCommandNotice(command.trim().replace(/^\//, "")));
  }
}

/** Asks the runtime for the orders; the answer comes back as `orders_listed`. */
export function listOrders(turn: Turn): Draft {
  return draft(turn, { actions: [{ kind: "list_orders", key: `orders:${turn.seq}` }] });
}

/**
 * /cancel: the order the step waits on (or one named, `/cancel DK-7F3K2`) is cancelled by the
 * runtime; otherwise the cart is emptied.
 */
export function cancel(turn: Turn, args = ""): Draft {
  const named = args.trim() ? parseOrderReference(args) : null;
  const orderRef = named ?? orderRefOf(turn.state.step);
  if (orderRef) {
    return draft(turn, { actions: [{ kind: "cancel_order", key: `cancel:${turn.seq}`, orderRef }] });
  }
  if (turn.state.cart.length > 0) return showCatalog(turn, { cart: [], notice: NOTICES.cartEmptied });
  return showCurrent(turn, NOTICES.nothingToCancel);
}
