import type { PaystackFault } from "../types.js";

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Bad Request",
  401: "Invalid key",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function faultMessage(status: number, message: string | undefined): string {
  return message ?? DEFAULT_MESSAGES[status] ?? `Error ${status}`;
}

interface RandomRule {
  readonly route: string;
  readonly fault: PaystackFault;
  readonly probability: number;
  readonly random: () => number;
}

/** Queued and random faults per route ("*" matches every route). */
export class FaultInjector {
  private readonly queued = new Map<string, PaystackFault[]>();
  private readonly rules = new Set<RandomRule>();

  failNext(route: string, fault: PaystackFault, count: number): void {
    const list = this.queued.get(route) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.queued.set(route, list);
  }

  failRandomly(route: string, fault: PaystackFault, probability: number, random: () => number): () => void {
    const rule: RandomRule = { route, fault, probability, random };
    this.rules.add(rule);
    return () => {
      this.rules.delete(rule);
    };
  }

  /** The fault for this call, consuming a queued one (route first, then "*"). */
  take(route: string): PaystackFault | undefined {
    for (const key of [route, "*"]) {
      const queued = this.queued.get(key);
      if (queued !== undefined && queued.length > 0) return queued.shift();
    }
    for (const rule of this.rules) {
      if ((rule.route === route || rule.route === "*") && rule.random() < rule.probability) return rule.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
    this.rules.clear();
  }
}
