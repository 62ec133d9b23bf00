/**
 * JSON text for documents, with Dates kept as Dates. A Date is written as `{"$date": "<ISO>"}`
 * (MongoDB's Extended JSON form), which stored documents cannot otherwise contain because
 * field names starting with `$` are reserved for operators.
 */

import { isPlainObject } from "./clone.js";

export function encode(value: unknown): string {
  return JSON.stringify(value, dateAware);
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (isDateEnvelope(value) ? new Date(value.$date) : value));
}

// Date.prototype.toJSON runs before a replacer sees the value, so the replacer looks at the
// holder's own property (`this[key]`), which is still the Date. No copy of the document is made.
function dateAware(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? { $date: original.toISOString() } : value;
}

function isDateEnvelope(value: unknown): value is { $date: string } {
  return (
    isPlainObject(value) &&
    typeof value.$date === "string" &&
    Object.keys(value).length === 1 &&
    !Number.isNaN(Date.parse(value.$date))
  );
}
