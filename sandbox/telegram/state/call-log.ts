import type { ApiCallRecord } from "../types.js";

export type MutableCallRecord = { -readonly [K in keyof ApiCallRecord]: ApiCallRecord[K] };

/** Every Bot API call in arrival order, so tests can assert pacing, retries and parameters. */
export class CallLog {
  private readonly records: MutableCallRecord[] = [];
  private nextId = 1;

  start(
    method: string,
    params: Record<string, unknown>,
    transport: ApiCallRecord["transport"],
  ): MutableCallRecord {
    const record: MutableCallRecord = {
      id: this.nextId++,
      method,
      params,
      transport,
      receivedAt: Date.now(),
    };
    this.records.push(record);
    return record;
  }

  /** Calls of `method` (case-insensitive), or all calls. */
  list(method?: string): ApiCallRecord[] {
    if (method === undefined) return [...this.records];
    const wanted = method.toLowerCase();
    return this.records.filter((record) => record.method.toLowerCase() === wanted);
  }

  clear(): void {
    this.records.length = 0;
  }
}
