import { BotApiError, tooManyRequests } from "../errors.js";
import type { TelegramFault } from "../types.js";

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden: bot was blocked by the user",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

interface RandomRule {
  readonly method: string;
  readonly fault: TelegramFault;
  readonly probability: number;
  readonly random: () => number;
}

/** The error a fault answers with (not used for `dropConnection`). */
export function faultError(fault: Exclude<TelegramFault, { dropConnection: true }>): BotApiError {
  if (fault.errorCode === 429) {
    const error = tooManyRequests(fault.retryAfter ?? 1);
    return fault.description === undefined
      ? error
      : new BotApiError(429, fault.description, error.parameters);
  }
  const description =
    fault.description ?? DEFAULT_DESCRIPTIONS[fault.errorCode] ?? `Error ${fault.errorCode}`;
  const parameters = fault.retryAfter === undefined ? undefined : { retry_after: fault.retryAfter };
  return new BotApiError(fault.errorCode, description, parameters);
}

/**
 * Queued and random faults per method (method names compared case-insensitively), plus the record of
 * flood waits the emulator has announced, so calls that ignore retry_after can be flagged.
 */
export class FaultInjector {
  private readonly queued = new Map<string, TelegramFault[]>();
  private readonly rules = new Set<RandomRule>();
  private readonly floodUntil = new Map<string, number>();

  failNext(method: string, fault: TelegramFault, count: number): void {
    const key = method.toLowerCase();
    const list = this.queued.get(key) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.queued.set(key, list);
  }

  failRandomly(method: string, fault: TelegramFault, probability: number, random: () => number): () => void {
    const rule: RandomRule = { method: method.toLowerCase(), fault, probability, random };
    this.rules.add(rule);
    return () => {
      this.rules.delete(rule);
    };
  }

  /** The fault to apply to this call, consuming a queued one first. */
  take(method: string): TelegramFault | undefined {
    const key = method.toLowerCase();
    const queued = this.queued.get(key);
    if (queued !== undefined && queued.length > 0) return queued.shift();
    for (const rule of this.rules) {
      if ((rule.method === key || rule.method === "*") && rule.random() < rule.probability) return rule.fault;
    }
    return undefined;
  }

  noteRetryAfter(floodKey: string, seconds: number, now = Date.now()): void {
    this.floodUntil.set(floodKey, now + seconds * 1000);
  }

  isDuringFloodWait(floodKey: string, now = Date.now()): boolean {
    const until = this.floodUntil.get(floodKey);
    return until !== undefined && now < until;
  }

  clear(): void {
    this.queued.clear();
    this.rules.clear();
    this.floodUntil.clear();
  }
}
