import { createHash, randomInt } from "node:crypto";

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomChars(length: number, alphabet = LOWER_ALNUM): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Shaped like Paystack's generated references ("re4lyvq3s3"). */
export function newReference(): string {
  return randomChars(10);
}

/** Shaped like Paystack's access codes ("3ni8kdavz62431k"). */
export function newAccessCode(): string {
  return randomChars(15);
}

export function newAuthorizationCode(): string {
  return `AUTH_${randomChars(10)}`;
}

export function newCustomerCode(): string {
  return `CUS_${randomChars(15)}`;
}

/** Processor reference of a processed refund (digits, like the doc samples). */
export function newRefundReference(): string {
  return randomChars(12, "0123456789");
}

/** Paystack gives the same card the same signature across customers, so this derives from the number. */
export function cardSignature(cardNumber: string): string {
  const digest = createHash("sha256").update(`duka-paystack-emulator:${cardNumber}`).digest("base64url");
  return `SIG_${digest.replace(/[-_]/g, "").slice(0, 20)}`;
}

/**
 * Monotonic numeric ids. Transaction ids start above 2^32 (as real ones do) so a client that squeezes
 * them into 32 bits fails here too, while staying below 2^53 so JSON numbers stay exact.
 */
export class IdSequence {
  constructor(private next: number) {}
  take(): number {
    return this.next++;
  }
}

/** Processor reference of a failed or stuck refund ("TRF_9vgfawjnoz58uxy" in the samples). */
export function newTransferReference(): string {
  return `TRF_${randomChars(15)}`;
}
