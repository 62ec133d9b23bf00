import { type DestinationStream, type Logger, pino } from "pino";
import pinoPretty from "pino-pretty";
import { maskJson } from "./mask.js";

export type { Logger } from "pino";

/** pino's levels plus `silent`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: pretty when a person watches a terminal, JSON lines when a collector reads a pipe. */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Whether LOG_FORMAT, on this output, means human-readable lines. */
export function isPrettyFormat(format: LogFormat, outputIsTerminal: boolean): boolean {
  return format === "pretty" || (format === "auto" && outputIsTerminal);
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Human-readable lines (pino-pretty, in-process) instead of JSON. Default false. */
  readonly pretty?: boolean;
  /** Where lines go. Default: stdout. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

/** The value that replaces a redacted key. */
export const REDACTED = "[redacted]";

/**
 * Keys whose values never reach a log, whatever they hold: credentials, signatures, and phone
 * numbers (Daraja's `PhoneNumber`, `PartyA` and `msisdn` are the shopper's number).
 */
export const REDACTED_KEYS: readonly string[] = [
  "authorization",
  "Authorization",
  "cookie",
  "x-paystack-signature",
  "x-telegram-bot-api-secret-token",
  "token",
  "botToken",
  "secret",
  "secretKey",
  "webhookSecret",
  "password",
  "Password",
  "passkey",
  "consumerKey",
  "consumerSecret",
  "apiKey",
  "masterKey",
  "authorization_code",
  "phone",
  "phoneNumber",
  "PhoneNumber",
  "PartyA",
  "msisdn",
];

/** How many objects deep a redacted key is found: `token`, `a.token`, `a.b.token`, `a.b.c.token`. */
const REDACT_DEPTH = 3;

/**
 * pino (through @pinojs/redact) needs explicit paths, so every key is listed at the top level and
 * under one to {@link REDACT_DEPTH} wildcard levels. `req.headers.authorization` is depth 2.
 */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS, depth = REDACT_DEPTH): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
    for (let level = 0; level <= depth; level++) {
      const prefix = "*.".repeat(level);
      paths.push(segment.startsWith("[") ? `${prefix.slice(0, -1)}${segment}` : `${prefix}${segment}`);
    }
  }
  return paths;
}

/**
 * The service logger: JSON lines (or pretty ones for a terminal), with two layers of protection.
 * 1. `redact`: values under credential and phone keys become "[redacted]".
 * 2. `hooks.streamWrite`: the finished line is masked by {@link maskJson}, which catches bot
 *    tokens, Paystack keys, bearer credentials, URL passwords and phone numbers wherever they
 *    appear: the message, `err.message` and `err.stack`, nested fields, child bindings.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: redactPaths(), censor: REDACTED },
    hooks: { streamWrite: maskJson },
  };
  if (options.pretty) {
    // Synchronous and in-process, so the last lines before an exit are never lost; pino-pretty
    // formats what streamWrite already masked.
    const pretty = pinoPretty({
      sync: true,
      translateTime: "SYS:HH:MM:ss",
      ignore: "pid,hostname",
      ...(options.destination ? { destination: options.destination, colorize: false } : {}),
    });
    return pino(settings, pretty);
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
