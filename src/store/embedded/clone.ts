/**
 * Deep copy for documents crossing the embedded engine's boundary, so no caller ever holds a
 * reference into stored state. Dates stay Dates. Properties whose value is `undefined` are
 * dropped, as the MongoDB backend does (`ignoreUndefined`), so both backends store the same
 * document. Anything that is not JSON data or a Date is refused: the journal could not
 * round-trip it.
 */
import { InternalError } from "../../domain/errors.js";

export function cloneDocument<T>(value: T): T {
  return cloneValue(value) as T;
}

function cloneValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (value instanceof Date) return new Date(value.getTime());
  // BSON stores an undefined array element as null; mirror it so positions are kept.
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : cloneValue(item)));
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) copy[key] = cloneValue(item);
    }
    return copy;
  }
  throw new InternalError(
    `The embedded store holds JSON values and Dates only; got ${describe(value)}. Convert it before storing.`,
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "an object";
  return typeof value;
}
