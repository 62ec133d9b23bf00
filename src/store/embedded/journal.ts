/**
 * One collection's durable history: an append-only JSON-lines file of `put` and `del` records.
 * Opening replays it into memory and compacts it to one `put` per live document (written to a
 * temporary file, then renamed over the journal, so a crash mid-compaction keeps the old file).
 * Writes are grouped: what the operations started in one synchronous run append (a batch of
 * concurrent calls, an updateMany) goes to the file in one write as soon as that run ends, before
 * any of their promises settle (a later flush, at the next loop turn, would batch more but add a
 * turn of latency to every write of a settlement's chain). No operation is acknowledged before
 * the write holding it, and every earlier one, is done. A process crash loses nothing acknowledged; an OS
 * crash or power loss may lose what the page cache held. A failed write stops the journal: every
 * later operation fails, and a restart replays what is on disk.
 *
 * One process per data directory: two processes appending to the same journal would interleave
 * and neither would see the other's writes.
 */

import {
  appendFileSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { StoreUnavailableError, UnreadableDataError } from "../../domain/errors.js";
import { decode, encode } from "./codec.js";

export type JournalRecord =
  | { readonly op: "put"; readonly doc: StoredDocument }
  | { readonly op: "del"; readonly _id: string };

export interface StoredDocument {
  readonly _id: string;
}

export class JournalCorruptError extends UnreadableDataError {
  override name = "JournalCorruptError";
}

export class Journal {
  private pending: string[] = [];
  /** The write the pending records wait for, scheduled for when the current run ends. */
  private batch: { promise: Promise<void>; settle: (error?: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly path: string,
    private fd: number | undefined,
  ) {}

  /** Replays and compacts the journal at `path` (absent: empty) and opens it for appending. */
  static open(path: string): { journal: Journal; documents: Map<string, StoredDocument> } {
    const documents = replay(path);
    compact(path, documents.values());
    return { journal: new Journal(path, openSync(path, "a", 0o600)), documents };
  }

  /** Adds records to the pending write; `written()` says when they are on file. */
  append(records: readonly JournalRecord[]): void {
    this.assertWritable();
    if (records.length === 0) return;
    this.pending.push(records.map(toLine).join(""));
    if (this.batch) return;
    let settle: (error?: Error) => void = () => {};
    const promise = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    const batch = { promise, settle };
    this.batch = batch;
    // close() may have written it already.
    queueMicrotask(() => this.batch === batch && this.flush());
  }

  /** Resolves once everything appended so far is written; rejects if the write failed. */
  written(): Promise<void> {
    if (this.batch) return this.batch.promise;
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }

  close(): void {
    if (this.fd === undefined) return;
    if (this.batch) this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    const batch = this.batch!;
    const text = this.pending.join("");
    this.pending = [];
    this.batch = undefined;
    try {
      appendFileSync(this.fd!, text);
    } catch (error) {
      this.failure = new StoreUnavailableError(
        `The journal ${this.path} could not be written (${String(error)}); restart to replay what is on file`,
      );
      batch.settle(this.failure);
      return;
    }
    batch.settle();
  }

  private assertWritable(): void {
    if (this.fd === undefined) throw new StoreUnavailableError(`The journal ${this.path} is closed`);
    if (this.failure) throw this.failure;
  }
}

function toLine(record: JournalRecord): string {
  return `${encode(record)}\n`;
}

function replay(path: string): Map<string, StoredDocument> {
  const documents = new Map<string, StoredDocument>();
  const lines = readIfExists(path).split("\n");
  // Every record ends with a newline, so the text after the last one is a write a crash cut
  // short; it was never acknowledged, and compaction drops it.
  lines.pop();
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const record = parseRecord(line);
    if (record === undefined) {
      throw new JournalCorruptError(
        `${path} line ${index + 1} is not a journal record; restore the file from a backup or remove the line`,
      );
    }
    if (record.op === "put") documents.set(record.doc._id, record.doc);
    else documents.delete(record._id);
  }
  return documents;
}

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = decode(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as { op?: unknown; doc?: { _id?: unknown }; _id?: unknown };
  if (record.op === "put" && typeof record.doc?._id === "string") return value as JournalRecord;
  if (record.op === "del" && typeof record._id === "string") return value as JournalRecord;
  return undefined;
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

function compact(path: string, documents: Iterable<StoredDocument>): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeFileSync(fd, Array.from(documents, (doc) => toLine({ op: "put", doc })).join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

// Makes the rename itself durable; some platforms cannot open a directory, which only
// weakens durability against power loss.
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, "r");
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
