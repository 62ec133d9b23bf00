import { randomInt } from "node:crypto";

/**
 * Order references like `DK-7F3K2`: short enough to read over the phone, drawn from an alphabet
 * without look-alikes (no 0/O, 1/I/L, U/V). Uniqueness per tenant is the store's unique index;
 * callers retry with a fresh reference on a collision.
 */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";
export const REFERENCE_LENGTH = 5;
const REFERENCE_PATTERN = new RegExp(`^DK-[${REFERENCE_ALPHABET}]{${REFERENCE_LENGTH}}$`);

export function newOrderReference(random: (max: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < REFERENCE_LENGTH; i++) code += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  return `DK-${code}`;
}

/** Accepts what people type: `dk-7f3k2`, `DK 7F3K2`, `7f3k2`; null when it is no reference. */
export function parseOrderReference(input: string): string | null {
  const compact = input
    .trim()
    .toUpperCase()
    .replace(/[\s_-]/g, "");
  const code =
    compact.startsWith("DK") && compact.length === REFERENCE_LENGTH + 2 ? compact.slice(2) : compact;
  const candidate = `DK-${code}`;
  return REFERENCE_PATTERN.test(candidate) ? candidate : null;
}
