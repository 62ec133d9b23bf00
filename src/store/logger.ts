/** The slice of a pino logger the store uses, so the store does not depend on pino. */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
