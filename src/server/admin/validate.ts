import { z } from "zod";
import { DukaError } from "../../domain/errors.js";
import { AdminValidationError, type ValidationIssue } from "../../payments/registry/admin-input.js";

/** Keys that could reach an object's prototype through a merge. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** JSON bodies here are shallow; deeper nesting is refused rather than walked. */
const MAX_DEPTH = 8;

/** Paths of forbidden keys anywhere in `value`, and of nesting deeper than MAX_DEPTH. */
function forbiddenKeys(value: unknown, path: string, depth: number, found: ValidationIssue[]): void {
  if (typeof value !== "object" || value === null) return;
  if (depth > MAX_DEPTH) {
    found.push({ path, message: `Nested deeper than ${MAX_DEPTH} levels` });
    return;
  }
  for (const key of Object.keys(value)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) found.push({ path: at, message: "Forbidden key" });
    else forbiddenKeys((value as Record<string, unknown>)[key], at, depth + 1, found);
  }
}

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: path === "" ? key : `${path}.${key}`,
        message: "Unknown field",
      }));
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * Parses a request body (or query) with a strict schema. Keys that could reach a prototype are
 * refused before the schema sees them, so no later merge can be polluted.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  if (input === undefined) {
    throw new DukaError("bad_request", `Send the ${what} as JSON with Content-Type: application/json`);
  }
  const forbidden: ValidationIssue[] = [];
  forbiddenKeys(input, "", 0, forbidden);
  if (forbidden.length > 0) throw new AdminValidationError(`Invalid ${what}`, forbidden);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = toIssues(parsed.error);
    const unknown = issues.filter((issue) => issue.message === "Unknown field").map((issue) => issue.path);
    const message =
      unknown.length > 0 ? `Invalid ${what}; unknown fields: ${unknown.join(", ")}` : `Invalid ${what}`;
    throw new AdminValidationError(message, issues);
  }
  return parsed.data;
}

const displayName = z.string().trim().min(1).max(100);
const priority = z.int().min(0).max(1_000_000);
/** A share of traffic among instances splitting a method (0 takes none but stays as fallback). */
const weight = z.int("Must be a whole number").min(0).max(10_000);
const config = z.record(z.string(), z.unknown());
const secrets = z.record(z.string(), z.string().min(1));

export const createProviderBody = z.strictObject({
  tenantId: z
    .string()
    .trim()
    .regex(/^[\w.:-]{1,100}$/, "Letters, digits and _ . : - only, at most 100")
    .optional(),
  plugin: z.string().min(1).max(100),
  displayName,
  config,
  secrets: secrets.optional(),
  testConfig: config.optional(),
  testSecrets: secrets.optional(),
  active: z.boolean().optional(),
  testMode: z.boolean().optional(),
  priority: priority.optional(),
  weight: weight.optional(),
});

const UPDATABLE = [
  "active",
  "testMode",
  "priority",
  "weight",
  "displayName",
  "config",
  "secrets",
  "testConfig",
  "testSecrets",
] as const;

export const updateProviderBody = z
  .strictObject({
    active: z.boolean().optional(),
    testMode: z.boolean().optional(),
    priority: priority.optional(),
    // null stops the instance splitting traffic.
    weight: weight.nullable().optional(),
    displayName: displayName.optional(),
    config: config.optional(),
    secrets: secrets.optional(),
    testConfig: config.optional(),
    testSecrets: secrets.optional(),
  })
  .refine((body) => UPDATABLE.some((field) => body[field] !== undefined), {
    message: `Give at least one of ${UPDATABLE.join(", ")}`,
  });

export const testConnectionBody = z.strictObject({
  config,
  testMode: z.boolean().optional(),
});

/** Actions without parameters accept no body, or an empty object. */
export const emptyBody = z.strictObject({});

export const listQuery = z.strictObject({
  tenantId: z.string().min(1).max(100).optional(),
});

/** GET /orphans?limit=: how many unmatched payments to list (1–200, default 50). */
export const orphansQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "Must be a whole number from 1 to 200")
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= 200, "Must be a whole number from 1 to 200")
    .optional(),
});

/** POST /orphans/:transId/attach: the order the money pays. */
export const attachBody = z.strictObject({
  orderRef: z.string().trim().min(1, "orderRef is required (like DK-7F3K2)").max(40),
});

/** The window of an instance's statistics, in days back from now. Default 30. */
export const statsQuery = z.strictObject({
  days: z
    .string()
    .regex(/^\d{1,3}$/, "Must be a whole number of days from 1 to 365")
    .transform(Number)
    .pipe(z.int().min(1, "Must be from 1 to 365").max(365, "Must be from 1 to 365"))
    .default(30),
});
