/**
 * MongoDB update documents applied in memory. mingo's updater runs the operators ($set, $unset,
 * $inc, $push, …) but has no $setOnInsert, which only means something to an upsert, so it is
 * handled here: dropped on update, folded into $set on insert.
 */

import { update as applyOperators } from "mingo/updater";
import type { Filter, Update } from "../types.js";
import { isPlainObject } from "./clone.js";

type Document = Record<string, unknown>;

/** Applies `update` to `doc` in place; returns whether any field changed. */
export function applyUpdate(doc: Document, update: Update): boolean {
  const { $setOnInsert: _ignored, ...operators } = update;
  return apply(doc, operators);
}

/**
 * The document an upsert inserts when nothing matched: the filter's equality conditions
 * (top level, `$eq` and inside `$and`), then the update with `$setOnInsert` applied as `$set`.
 */
export function upsertDocument(filter: Filter, update: Update): Document {
  const { $setOnInsert, ...operators } = update;
  const { _id: filterId, ...equalities } = equalitiesOf(filter);
  const { _id: updateId, ...$set } = { ...objectOrEmpty(operators.$set), ...objectOrEmpty($setOnInsert) };
  // mingo refuses every path on _id, even setting it where there is none, so it goes in by hand.
  const id = updateId ?? filterId;
  const doc: Document = id === undefined ? {} : { _id: id };
  apply(doc, { $set: equalities });
  apply(doc, { ...operators, $set });
  return doc;
}

function apply(doc: Document, operators: Update): boolean {
  return applyOperators(doc, operators, undefined, undefined, { cloneMode: "deep" }).length > 0;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function equalitiesOf(filter: Filter): Document {
  const equalities: Document = {};
  for (const [path, condition] of Object.entries(filter)) {
    if (path === "$and" && Array.isArray(condition)) {
      for (const clause of condition)
        if (isPlainObject(clause)) Object.assign(equalities, equalitiesOf(clause));
    } else if (path.startsWith("$")) {
      // $or, $nor, $expr… name no single value to insert.
    } else if (!isOperatorObject(condition)) {
      equalities[path] = condition;
    } else if ("$eq" in condition) {
      equalities[path] = condition.$eq;
    }
  }
  return equalities;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith("$"));
}
