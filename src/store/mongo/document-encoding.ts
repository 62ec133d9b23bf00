/**
 * Documents as a server with FerretDB 1.x's limits can store them (ServerProfile.limitedDocuments):
 * an array inside an array (the rows of a reply's buttons) is stored as `{ [NESTED]: [...] }`, and
 * a "." in a field name (audit details name fields like "config.endpoint") as DOT; both are turned
 * back on reading. Filters never reach into such values, so only documents and update values are
 * encoded, never filter or update paths.
 */

const NESTED = "__dukaArray";
// FULLWIDTH FULL STOP: no field name Duka writes contains it.
const DOT = "\uff0e";

type Json = unknown;

function encodeValue(value: Json, inArray: boolean): Json {
  if (Array.isArray(value)) {
    const items = value.map((item) => encodeValue(item, true));
    return inArray ? { [NESTED]: items } : items;
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key.replaceAll(".", DOT), encodeValue(item, false)]),
    );
  }
  return value;
}

export function encodeDocument<T>(doc: T): T {
  return encodeValue(doc, false) as T;
}

/** Encodes an update's values; `$push` and `$addToSet` values become array elements. */
export function encodeUpdate(update: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(update).map(([operator, fields]) => {
      if (!isPlainObject(fields)) return [operator, fields];
      const intoArray = operator === "$push" || operator === "$addToSet";
      const encoded = Object.entries(fields).map(([path, value]) => {
        if (!intoArray) return [path, encodeValue(value, false)];
        if (isPlainObject(value) && Array.isArray(value.$each)) {
          return [path, { ...value, $each: value.$each.map((item) => encodeValue(item, true)) }];
        }
        return [path, encodeValue(value, true)];
      });
      return [operator, Object.fromEntries(encoded)];
    }),
  );
}

export function decodeDocument<T>(doc: T): T {
  return decodeValue(doc) as T;
}

function decodeValue(value: Json): Json {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === NESTED && Array.isArray(value[NESTED])) {
      return (value[NESTED] as Json[]).map(decodeValue);
    }
    return Object.fromEntries(keys.map((key) => [key.replaceAll(DOT, "."), decodeValue(value[key])]));
  }
  return value;
}

// Dates, Buffers and BSON values pass through untouched.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
