import type { ApiCallRecord } from "../types.js";

export type MutableCallRecord = { -readonly [K in keyof ApiCallRecord]: ApiCallRecord[K] };

/** Every request in arrival order, so tests can assert what the client sent and how often. */
export class CallLog {
  private readonly records: MutableCallRecord[] = [];
  private nextId = 1;

  start(input: Pick<ApiCallRecord, "route" | "method" | "path" | "query">): MutableCallRecord {
    const record: MutableCallRecord = {
      id: this.nextId++,
      ...input,
      body: undefined,
      receivedAt: Date.now(),
    };
    this.records.push(record);
    return record;
  }

  /** Calls of `route`, or all calls. */
  list(route?: string): ApiCallRecord[] {
    if (route === undefined) return [...this.records];
    return this.records.filter((record) => record.route === route);
  }

  clear(): void {
    this.records.length = 0;
  }
}
