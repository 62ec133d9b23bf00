import type { TransitionTable } from "../../domain/transitions.js";
import { sourcesOf } from "../../domain/transitions.js";
import type { Filter, Update } from "../types.js";

/**
 * A compare-and-set status change: matches only while the document is in a status from which
 * the table allows `to`, so of two racing callers exactly one gets the document back.
 * `changes` may not move the document to another tenant or id.
 */
export function transitionOf<S extends string>(
  table: TransitionTable<S>,
  tenantId: string,
  id: string,
  to: S,
  changes: object = {},
): { filter: Filter; update: Update } {
  const { _id: _ignoredId, tenantId: _ignoredTenant, ...rest } = changes as Record<string, unknown>;
  return {
    filter: { tenantId, _id: id, status: { $in: sourcesOf(table, to) } },
    update: { $set: { ...rest, status: to, updatedAt: new Date() } },
  };
}
