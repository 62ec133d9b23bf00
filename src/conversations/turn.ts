/**
 * One call of `step`: handlers read a Turn and return a Draft (where to go, the cart, what to
 * say, what to do); `finalize` turns it into the outcome and owns the two bookkeeping rules:
 * `seq` goes up by one, and `menu` becomes the choices of the last reply. The remembered M-Pesa
 * number and card e-mail address are carried over unless a draft sets new ones.
 */
import type { Action, CartLine, ConversationState, Reply, Step, StepContext, StepOutcome } from "./types.js";

export interface Turn {
  readonly state: ConversationState;
  readonly context: StepContext;
  /** The seq of the state this turn returns; action keys carry it. */
  readonly seq: number;
}

export interface Draft {
  readonly step: Step;
  readonly cart: readonly CartLine[];
  readonly replies: readonly Reply[];
  readonly actions: readonly Action[];
  /** A new mobile-money number to remember (normalized); absent: keep the one stored. */
  readonly phone?: string;
  /** A new card e-mail address to remember (normalized); absent: keep the one stored. */
  readonly email?: string;
}

export function beginTurn(state: ConversationState, context: StepContext): Turn {
  return { state, context, seq: state.seq + 1 };
}

/** A draft that keeps the step and cart unless told otherwise. */
export function draft(
  turn: Turn,
  parts: {
    step?: Step;
    cart?: readonly CartLine[];
    replies?: readonly Reply[];
    actions?: readonly Action[];
    phone?: string;
    email?: string;
  },
): Draft {
  return {
    step: parts.step ?? turn.state.step,
    cart: parts.cart ?? turn.state.cart,
    replies: parts.replies ?? [],
    actions: parts.actions ?? [],
    ...(parts.phone ? { phone: parts.phone } : {}),
    ...(parts.email ? { email: parts.email } : {}),
  };
}

/**
 * The menu is exactly the last reply's choices (none: empty). With no reply, an action clears
 * it so a double tap cannot start the same effect twice; with neither, it is kept.
 */
export function finalize(turn: Turn, result: Draft): StepOutcome {
  const last = result.replies.at(-1);
  const menu = last ? (last.choices ?? []).flat() : result.actions.length > 0 ? [] : turn.state.menu;
  const phone = result.phone ?? turn.state.phone;
  const email = result.email ?? turn.state.email;
  return {
    state: {
      v: 1,
      step: result.step,
      cart: result.cart,
      menu,
      seq: turn.seq,
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
    },
    replies: result.replies,
    actions: result.actions,
  };
}
