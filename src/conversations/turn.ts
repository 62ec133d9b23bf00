/**
 * One call of `step`: handlers read a Turn and return a Draft (where to go, the cart, what to
 * say, what to do); `finalize` turns it into the outcome and owns the two bookkeeping rules:
 * `seq` goes up by one, and `menu` becomes the choices of the last reply. The remembered payer
 * details (the number last charged, the e-mail address last given) are carried over, each unless
 * a draft gives a new one.
 */
import type {
  Action,
  CartLine,
  ConversationState,
  PayerDetails,
  Reply,
  Step,
  StepContext,
  StepOutcome,
} from "./types.js";

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
  /** New payer details to remember (normalized); the fields absent keep the ones stored. */
  readonly payer?: PayerDetails;
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
    payer?: PayerDetails;
  },
): Draft {
  return {
    step: parts.step ?? turn.state.step,
    cart: parts.cart ?? turn.state.cart,
    replies: parts.replies ?? [],
    actions: parts.actions ?? [],
    ...(parts.payer ? { payer: parts.payer } : {}),
  };
}

/**
 * The menu is exactly the last reply's choices (none: empty). With no reply, an action clears
 * it so a double tap cannot start the same effect twice; with neither, it is kept.
 */
export function finalize(turn: Turn, result: Draft): StepOutcome {
  const last = result.replies.at(-1);
  const menu = last ? (last.choices ?? []).flat() : result.actions.length > 0 ? [] : turn.state.menu;
  const payer = { ...turn.state.payer, ...result.payer };
  return {
    state: {
      v: 2,
      step: result.step,
      cart: result.cart,
      menu,
      seq: turn.seq,
      ...(Object.keys(payer).length > 0 ? { payer } : {}),
    },
    replies: result.replies,
    actions: result.actions,
  };
}
