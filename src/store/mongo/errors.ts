import mongoose from "mongoose";
import { DuplicateKeyError, StoreUnavailableError } from "../../domain/errors.js";

const { mongo } = mongoose;

// Errors meaning "MongoDB could not be reached", as opposed to "MongoDB refused this".
const UNREACHABLE = [
  mongo.MongoNetworkError,
  mongo.MongoServerSelectionError,
  mongo.MongoNotConnectedError,
  mongo.MongoTopologyClosedError,
  mongoose.Error.MongooseServerSelectionError,
];

// Server codes the retryable-reads/-writes specifications treat as a failover or shutdown in
// progress (HostUnreachable … NotPrimaryOrSecondary): the same request succeeds later.
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Translates driver errors into the store's vocabulary; anything else passes through. */
export function toStoreError(collection: string, error: unknown): unknown {
  if (error instanceof mongo.MongoServerError && (error.code === 11000 || isSqliteUniqueViolation(error))) {
    return new DuplicateKeyError(collection, (error.keyValue as Record<string, unknown> | undefined) ?? {});
  }
  if (isUnavailable(error)) {
    return new StoreUnavailableError(
      `MongoDB is unreachable (${(error as Error).name}); check MONGODB_URI and that the server is up`,
      { cause: error },
    );
  }
  return error;
}

// FerretDB 1.x answers an update that breaks a unique index with code 1 (InternalError) and its
// SQLite backend's message, not 11000; the insert path does answer 11000.
function isSqliteUniqueViolation(error: InstanceType<typeof mongo.MongoServerError>): boolean {
  return error.code === 1 && error.message.includes("UNIQUE constraint failed");
}

// FerretDB 1.x's SQLite backend answers a write that met another writer's lock with code 1 and
// SQLITE_BUSY: the same request succeeds a moment later (a start-up's index build included).
function isSqliteBusy(error: InstanceType<typeof mongo.MongoError>): boolean {
  return error.code === 1 && error.message.includes("SQLITE_BUSY");
}

function isUnavailable(error: unknown): boolean {
  if (UNREACHABLE.some((type) => error instanceof type)) return true;
  if (!(error instanceof mongo.MongoError)) return false;
  return (
    error.hasErrorLabel("RetryableWriteError") ||
    (typeof error.code === "number" && TRANSIENT_CODES.has(error.code)) ||
    isSqliteBusy(error)
  );
}
