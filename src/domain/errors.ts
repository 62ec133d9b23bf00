/**
 * The small set of typed errors. `code` is stable for programs; `message` tells a person how to
 * fix the problem and never contains a secret.
 */
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

export class DukaError extends Error {
  override name = "DukaError";
  constructor(
    readonly code: ErrorCode,
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
  constructor(message: string) {
    super("config", message);
  }
}
