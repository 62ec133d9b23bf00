/**
 * The small set of typed errors. Every error Duka throws is a DukaError: `code` is stable for
 * programs and comes from the closed union its class declares (TypeScript refuses any other);
 * `message` tells a person how to fix the problem and never contains a secret.
 */

/** The codes an HTTP answer can carry; the server maps each to a status. */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid"
  | "payload_too_large"
  | "unavailable"
  | "config";

/**
 * A subclass names its own code union (`extends DukaError<ProviderErrorCode>`); a plain
 * `new DukaError(code, …)` takes an ErrorCode only (`NoInfer` keeps a stray string from widening it).
 */
export class DukaError<Code extends string = ErrorCode> extends Error {
  override name = "DukaError";
  constructor(
    readonly code: NoInfer<Code>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A unique index refused a write: the thing already exists. */
export class DuplicateKeyError extends DukaError {
  override name = "DuplicateKeyError";
  constructor(
    readonly collection: string,
    readonly key: Record<string, unknown>,
  ) {
    super("conflict", `A ${collection} record with ${JSON.stringify(key)} already exists`);
  }
}

/** The store could not be reached; callers answer 5xx so the sender retries. */
export class StoreUnavailableError extends DukaError {
  override name = "StoreUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("unavailable", message, options);
  }
}

export class ConfigError extends DukaError {
  override name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}

/** A promise inside Duka was broken (a programming error or inconsistent stored data), not the user's doing. */
export class InternalError extends DukaError<"internal"> {
  override name = "InternalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("internal", message, options);
  }
}

/** Stored data or a job's payload that cannot be read: no retry will make it readable. */
export class UnreadableDataError extends DukaError<"unreadable_data"> {
  override name = "UnreadableDataError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("unreadable_data", message, options);
  }
}

/**
 * Failures no retry can fix until an operator acts: a config that cannot be used (a secret that
 * does not decrypt, a plugin that is not registered) or data that cannot be read. A job that meets
 * one fails at once instead of retrying for an hour.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set(["config", "unreadable_data"]);

export function isPermanent(error: unknown): error is DukaError<string> {
  return error instanceof DukaError && PERMANENT_CODES.has(error.code);
}
