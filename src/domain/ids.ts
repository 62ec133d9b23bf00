import { createHash, randomBytes } from "node:crypto";

/** Prefixes say what an id names, so a stray id in a log explains itself. */
export type IdPrefix = "ord" | "pay" | "prf" | "aud" | "ob" | "med" | "pi" | "ibx" | "rcv";

/** `ord_3f9c…`: a prefix and 96 random bits in hex. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/**
 * The same parts always give the same id: how a retried step finds the record its first try
 * wrote instead of writing a second one. Hex only, so it is safe as a BullMQ job id.
 */
export function deterministicId(prefix: IdPrefix, ...parts: readonly string[]): string {
  return `${prefix}_${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 24)}`;
}
