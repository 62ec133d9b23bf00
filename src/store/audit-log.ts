import type { AuditEntry } from "../domain/audit.js";
import { DuplicateKeyError } from "../domain/errors.js";
import type { Store } from "./types.js";

/**
 * Appends an audit entry whose id is derived from the event it records, so a retried step
 * records it once.
 */
export async function recordAudit(store: Store, entry: AuditEntry): Promise<void> {
  try {
    await store.audit.append(entry);
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
  }
}
