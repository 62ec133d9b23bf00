/** Stripe's test cards (providers-2 §1.8); spaces optional. What a card does when paid with. */
export const TEST_CARDS = {
  success: "4242 4242 4242 4242",
  declined: "4000 0000 0000 0002",
  insufficientFunds: "4000 0000 0000 9995",
} as const;

export interface CardDecline {
  readonly code: "card_declined";
  readonly declineCode: "generic_decline" | "insufficient_funds";
  readonly message: string;
}

const DECLINES = new Map<string, CardDecline>([
  [
    "4000000000000002",
    { code: "card_declined", declineCode: "generic_decline", message: "Your card was declined." },
  ],
  [
    "4000000000009995",
    {
      code: "card_declined",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds.",
    },
  ],
]);

/** undefined: the card pays. A number that is no test card is declined as Stripe's test mode does. */
export function declineOf(card: string): CardDecline | undefined {
  const digits = card.replace(/[\s-]/g, "");
  if (digits === TEST_CARDS.success.replace(/ /g, "")) return undefined;
  return (
    DECLINES.get(digits) ?? {
      code: "card_declined",
      declineCode: "generic_decline",
      message: "Your card was declined.",
    }
  );
}
