import { randomBytes } from "node:crypto";

/** Prefixes say what an id names, so a stray id in a log explains itself. */
export type IdPrefix = "ord" | "pay" | "prf" | "aud" | "ob" | "med";

/** `ord_3f9c…`: a prefix and 96 random bits in hex. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}
