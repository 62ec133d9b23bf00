import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../domain/errors.js";
import { catalogFileSchema } from "./catalog-schema.js";
import { DEMO_SHOP } from "./demo-shop.js";
import type { Catalog } from "./types.js";

export interface LoadCatalogOptions {
  /** CATALOG_FILE: a .yaml, .yml or .json file. Default: the built-in demo shop. */
  readonly file?: string;
  /** MANUAL_PAYMENT_INSTRUCTIONS: replaces the catalog's paymentInstructions. Default: the catalog's. */
  readonly manualInstructions?: string;
}

export interface ParseCatalogOptions {
  /** Names the data in error messages: `Catalog <source>: …`. */
  readonly source: string;
  readonly manualInstructions?: string;
}

/** A catalog of 200 products is far below this; anything bigger is the wrong file. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_REPORTED_ISSUES = 20;
const MAX_INSTRUCTIONS = 1000;

/**
 * Reads and validates the shop catalog (DESIGN §7). Every problem is a ConfigError whose lines
 * read `Catalog <file>: <path in the data>: <problem> (got <value>)`; syntax errors give the line
 * and column.
 */
export async function loadCatalog(options: LoadCatalogOptions = {}): Promise<Catalog> {
  const { file, manualInstructions } = options;
  const extra = manualInstructions === undefined ? {} : { manualInstructions };
  if (file === undefined) return parseCatalog(DEMO_SHOP, { source: "built-in demo shop", ...extra });
  const format = formatOf(file);
  const text = await readCatalogFile(file);
  const data = format === "json" ? parseJson(text, file) : parseYaml(text, file);
  return parseCatalog(data, { source: file, ...extra });
}

/** Validates catalog data already parsed from YAML or JSON; prices become Money. */
export function parseCatalog(data: unknown, options: ParseCatalogOptions): Catalog {
  const fail = (lines: string[]) =>
    new ConfigError(lines.map((line) => `Catalog ${options.source}: ${line}`).join("\n"));
  if (data === null || data === undefined) throw fail(["the file is empty"]);
  const result = catalogFileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues;
    const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => describeIssue(issue, data));
    if (issues.length > MAX_REPORTED_ISSUES)
      lines.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more problems`);
    throw fail(lines);
  }
  const override = options.manualInstructions?.trim();
  if (override !== undefined && override.length > MAX_INSTRUCTIONS) {
    throw new ConfigError(`MANUAL_PAYMENT_INSTRUCTIONS must be at most ${MAX_INSTRUCTIONS} characters`);
  }
  const paymentInstructions = override || result.data.paymentInstructions;
  if (!paymentInstructions) {
    throw fail(["paymentInstructions: is required (or set MANUAL_PAYMENT_INSTRUCTIONS)"]);
  }
  return deepFreeze({ ...result.data, paymentInstructions });
}

function formatOf(file: string): "yaml" | "json" {
  const extension = extname(file).toLowerCase();
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".json") return "json";
  throw new ConfigError(
    `Catalog ${file}: unsupported file type "${extension || "(none)"}": use a .yaml, .yml or .json file`,
  );
}

async function readCatalogFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ConfigError(`Catalog ${file}: not a file`);
    if (info.size > MAX_FILE_BYTES) {
      throw new ConfigError(`Catalog ${file}: the file is larger than ${MAX_FILE_BYTES} bytes`);
    }
    return (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError(`Catalog ${file}: file not found`);
    if (code === "EACCES") throw new ConfigError(`Catalog ${file}: permission denied`);
    throw new ConfigError(`Catalog ${file}: cannot be read (${code ?? String(error)})`);
  }
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, column } = lineAndColumn(text, error.pos[0]);
    throw new ConfigError(
      `Catalog ${file}: YAML syntax error at line ${line}, column ${column}: ${error.message}`,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new ConfigError(`Catalog ${file}: ${(cause as Error).message}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = (cause as Error).message;
    const position = /at position (\d+)/.exec(message);
    const detail = message
      .replace(/\s*(\(line \d+ column \d+\))?\s*$/, "")
      .replace(/ in JSON at position \d+/, "");
    if (!position) throw new ConfigError(`Catalog ${file}: JSON syntax error: ${detail}`);
    const { line, column } = lineAndColumn(text, Number(position[1]));
    throw new ConfigError(`Catalog ${file}: JSON syntax error at line ${line}, column ${column}: ${detail}`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : "";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => `"${key}"`).join(", ");
    return `${where}unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  const value = valueAt(data, issue.path);
  if (value === undefined) return `${where}is required`;
  const omit = issue.code === "custom" && issue.params?.omitValue === true;
  return `${where}${issue.message}${omit ? "" : ` (got ${show(value)})`}`;
}

/** `["products", 2, "price"]` → `products[2].price`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === "object") return "a mapping";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return JSON.stringify(value) ?? String(value);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
