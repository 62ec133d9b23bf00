import type { DarajaCallRecord } from "../types.js";

export type MutableCallRecord = { -readonly [K in keyof DarajaCallRecord]: DarajaCallRecord[K] };

/** Every HTTP request in arrival order, so tests can count token fetches and assert retries. */
export class CallLog {
  private readonly records: MutableCallRecord[] = [];
  private nextId = 1;

  start(input: Omit<MutableCallRecord, "id" | "receivedAt">): MutableCallRecord {
    const record: MutableCallRecord = { id: this.nextId++, receivedAt: Date.now(), ...input };
    this.records.push(record);
    return record;
  }

  /** Requests to `path` (exact, without the query string), or all. */
  list(path?: string): DarajaCallRecord[] {
    if (path === undefined) return [...this.records];
    return this.records.filter((record) => record.path === path);
  }

  clear(): void {
    this.records.length = 0;
  }
}
