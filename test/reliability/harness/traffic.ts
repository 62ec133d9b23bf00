/**
 * A soak's mixed traffic (reliability.md R30): which way each purchase pays, and which random
 * fault hits it. Seeded, so a failing run can be replayed with the same plan (RELIABILITY_SEED).
 */

export type PaymentPath = "card" | "mpesa" | "proof";

/**
 * What goes wrong with one purchase: its webhook or callback never arrives (`drop`), arrives twice
 * at once (`duplicate`), or the Bot API answers the next sendMessage with a 429 (`telegram-429`).
 */
export type Fault = "drop" | "duplicate" | "telegram-429";

export interface Purchase {
  readonly index: number;
  readonly path: PaymentPath;
  readonly fault: Fault | undefined;
}

export type Mix = Readonly<Record<PaymentPath, number>>;

/** reliability.md R30: 70 % Paystack card, 20 % Daraja STK, 10 % manual proofs. */
export const R30_MIX: Mix = { card: 0.7, mpesa: 0.2, proof: 0.1 };

/** mulberry32: a small, fast seeded generator, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` purchases in the exact proportions of `mix`, shuffled; each gets a fault with
 * probability `faultRate`. A proof has no provider delivery to drop or repeat: its only fault is
 * the 429.
 */
export function planTraffic(count: number, mix: Mix, faultRate: number, random: () => number): Purchase[] {
  const paths: PaymentPath[] = [];
  const card = Math.round(count * mix.card);
  const mpesa = Math.round(count * mix.mpesa);
  for (let index = 0; index < count; index++)
    paths.push(index < card ? "card" : index < card + mpesa ? "mpesa" : "proof");
  for (let index = paths.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [paths[index], paths[other]] = [paths[other]!, paths[index]!];
  }
  return paths.map((path, index) => {
    const faults: Fault[] = path === "proof" ? ["telegram-429"] : ["drop", "duplicate", "telegram-429"];
    const fault = random() < faultRate ? faults[Math.floor(random() * faults.length)] : undefined;
    return { index, path, fault };
  });
}
