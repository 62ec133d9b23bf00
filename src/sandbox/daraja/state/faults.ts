import { DarajaApiError } from "../errors.js";
import type { DarajaFault } from "../types.js";

/** Messages Daraja sends with these codes (providers.md §1.3), used when a fault names none. */
const DEFAULT_MESSAGES: Record<string, string> = {
  "400.002.02": "Bad Request - Invalid Request",
  "404.001.01": "Resource not found",
  "404.001.03": "Invalid Access Token",
  "405.001": "Method Not Allowed",
  "500.001.1001": "The transaction is being processed",
  "500.003.02": "Error Occurred: Spike Arrest Violation",
  "500.003.03": "Error Occurred: Quota Violation",
  "500.003.1001": "Internal Server Error",
};

interface RandomRule {
  readonly path: string;
  readonly fault: DarajaFault;
  readonly probability: number;
  readonly random: () => number;
}

/** The error a fault answers with (not used for `dropConnection`). */
export function faultError(fault: Exclude<DarajaFault, { dropConnection: true }>): DarajaApiError {
  const prefix = Number(fault.errorCode.slice(0, 3));
  const status = fault.status ?? (prefix >= 400 && prefix <= 599 ? prefix : 500);
  const message = fault.errorMessage ?? DEFAULT_MESSAGES[fault.errorCode] ?? `Error ${fault.errorCode}`;
  return new DarajaApiError(status, fault.errorCode, message);
}

/** Queued and random faults per path ("*" matches any path). */
export class FaultInjector {
  private readonly queued = new Map<string, DarajaFault[]>();
  private readonly rules = new Set<RandomRule>();

  failNext(path: string, fault: DarajaFault, count: number): void {
    const list = this.queued.get(path) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.queued.set(path, list);
  }

  failRandomly(path: string, fault: DarajaFault, probability: number, random: () => number): () => void {
    const rule: RandomRule = { path, fault, probability, random };
    this.rules.add(rule);
    return () => {
      this.rules.delete(rule);
    };
  }

  /** The fault for this request, consuming a queued one (exact path first, then "*"). */
  take(path: string): DarajaFault | undefined {
    for (const key of [path, "*"]) {
      const queued = this.queued.get(key);
      if (queued !== undefined && queued.length > 0) return queued.shift();
    }
    for (const rule of this.rules) {
      if ((rule.path === path || rule.path === "*") && rule.random() < rule.probability) return rule.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
    this.rules.clear();
  }
}
