interface RandomRule<F> {
  readonly key: string;
  readonly fault: F;
  readonly probability: number;
  readonly random: () => number;
}

/**
 * Queued and random faults per key, which each emulator picks (Daraja: the path, Paystack: the route
 * name); "*" matches every key. What a fault does when taken stays with the emulator.
 */
export class FaultInjector<F> {
  private readonly queued = new Map<string, F[]>();
  private readonly rules = new Set<RandomRule<F>>();

  failNext(key: string, fault: F, count: number): void {
    const list = this.queued.get(key) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.queued.set(key, list);
  }

  failRandomly(key: string, fault: F, probability: number, random: () => number): () => void {
    const rule: RandomRule<F> = { key, fault, probability, random };
    this.rules.add(rule);
    return () => {
      this.rules.delete(rule);
    };
  }

  /** The fault for this request, consuming a queued one (exact key first, then "*"). */
  take(key: string): F | undefined {
    for (const candidate of [key, "*"]) {
      const queued = this.queued.get(candidate);
      if (queued !== undefined && queued.length > 0) return queued.shift();
    }
    for (const rule of this.rules) {
      if ((rule.key === key || rule.key === "*") && rule.random() < rule.probability) return rule.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
    this.rules.clear();
  }
}
