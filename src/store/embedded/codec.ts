/**
 * JSON text for documents, with Dates kept as Dates. A Date is written as `{"$date": "<ISO>"}`
 * (MongoDB's Extended JSON form), which stored documents cannot otherwise contain because
 * field names starting with `$` are reserved for operators.
 */

import { isPlainObject } from "./clone.js";

export function encode(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (isDateEnvelope(value) ? new Date(value.$date) : value));
}

// Date.prototype.toJSON runs before a JSON.stringify replacer sees the value, so Dates are
// wrapped in a walk of their own.
function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = toJsonValue(item);
    return copy;
  }
  return value;
}

function isDateEnvelope(value: unknown): value is { $date: string } {
  return (
    isPlainObject(value) &&
    typeof value.$date === "string" &&
    Object.keys(value).length === 1 &&
    !Number.isNaN(Date.parse(value.$date))
  );
}
