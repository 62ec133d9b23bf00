/**
 * Hostile request bodies for the malformed-payload fuzz (reliability.md §4 R26): the hand cases the
 * plan lists, and fast-check mutations of an endpoint's real payload (a field dropped, replaced by
 * null, a string, an object, 1e309, -0, a prototype key, or an extra field added) plus arbitrary
 * JSON and bytes. A fixed seed makes a failing input reproducible.
 */
import fc from "fast-check";

export interface HostileBody {
  readonly kind: string;
  readonly body: Buffer;
  /** Sent as this Content-Type; undefined sends none. */
  readonly contentType: string | undefined;
}

const JSON_TYPE = "application/json";
/** JSON.stringify cannot write these numbers; a marker string is swapped for the raw token. */
const RAW_NUMBERS = ["1e309", "-1e309", "-0", "1e-400", "123456789012345678901234567890"];
const RAW_MARK = /"@@raw:([^"]+)@@"/g;

const text = (kind: string, body: string, contentType: string | undefined = JSON_TYPE): HostileBody => ({
  kind,
  body: Buffer.from(body, "utf8"),
  contentType,
});

/** The same hostile shapes for every endpoint; `sample` is that endpoint's genuine body. */
export function handCases(sample: unknown): HostileBody[] {
  const valid = JSON.stringify(sample);
  const bytes = Buffer.from(valid, "utf8");
  const euro = Buffer.from("€", "utf8");
  return [
    text("invalid-json", "{"),
    text("invalid-json", '{"a":}'),
    text("invalid-json", valid.slice(0, Math.floor(valid.length / 2))),
    text("empty", ""),
    text("json-null", "null"),
    text("json-array", "[]"),
    text("json-string", '"hello"'),
    text("json-number", "1e309"),
    text("nested-5000", `${"[".repeat(5000)}${"]".repeat(5000)}`),
    text("nested-5000", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`),
    { kind: "10mb", body: Buffer.from(`{"a":"${"x".repeat(10 * 1024 * 1024)}"}`), contentType: JSON_TYPE },
    text("content-type", valid, "text/plain"),
    text("content-type", valid, "application/x-www-form-urlencoded"),
    text("content-type", valid, undefined),
    text("content-type", valid, "application/json; charset=utf-16"),
    {
      kind: "truncated-utf8",
      body: Buffer.concat([bytes.subarray(0, bytes.length - 2), euro.subarray(0, 2)]),
      contentType: JSON_TYPE,
    },
    {
      kind: "truncated-utf8",
      body: Buffer.concat([Buffer.from('{"note":"'), euro.subarray(0, 1), Buffer.from('"}')]),
      contentType: JSON_TYPE,
    },
    text(
      "proto-keys",
      valid.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},'),
    ),
    text("proto-keys", '{"__proto__":{"polluted":"yes"},"prototype":{"polluted":"yes"}}'),
    text("nulls", JSON.stringify(nullsEverywhere(sample))),
  ];
}

/** Every leaf of `value` replaced by null. */
function nullsEverywhere(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullsEverywhere);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, nullsEverywhere(inner)]));
  return null;
}

/** Paths of every field of `value` (objects and arrays), for mutation. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    [...prefix, key],
    ...pathsOf(inner, [...prefix, key]),
  ]);
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(...RAW_NUMBERS.map((raw) => `@@raw:${raw}@@`)),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

/** `sample` with one field changed: dropped, replaced or joined by a hostile extra. */
function mutation(sample: unknown): fc.Arbitrary<HostileBody> {
  const paths = pathsOf(sample);
  return fc
    .record({
      path: fc.constantFrom(...paths),
      action: fc.constantFrom("drop", "replace", "extra", "proto"),
      value: hostileValue,
    })
    .map(({ path, action, value }) => {
      const copy = structuredClone(sample) as Record<string, unknown>;
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], copy);
      const key = path.at(-1)!;
      if (typeof parent === "object" && parent !== null) {
        const target = parent as Record<string, unknown>;
        if (action === "drop") delete target[key];
        else if (action === "replace") target[key] = value;
        else if (action === "extra") target[`x_${key}`] = value;
        // A real own "__proto__" key, as JSON.parse makes one.
        else Object.defineProperty(target, "__proto__", { value: { polluted: "yes" }, enumerable: true });
      }
      const json = JSON.stringify(copy).replace(RAW_MARK, (_, raw: string) => raw);
      return text(`mutated-${action}`, json);
    });
}

const arbitrary: fc.Arbitrary<HostileBody> = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => text("arbitrary-json", JSON.stringify(value) ?? "null")),
  fc.string({ maxLength: 200 }).map((value) => text("arbitrary-text", value)),
  fc.uint8Array({ maxLength: 300 }).map((value) => ({
    kind: "arbitrary-bytes",
    body: Buffer.from(value),
    contentType: JSON_TYPE,
  })),
);

/** `count` fast-check bodies for an endpoint whose genuine body is `sample`: mostly mutations of it. */
export function generatedBodies(sample: unknown, count: number, seed: number): HostileBody[] {
  const bodies = fc.oneof({ weight: 3, arbitrary: mutation(sample) }, { weight: 1, arbitrary });
  return fc.sample(bodies, { numRuns: Math.max(0, count), seed });
}

/** Random bytes, or a real file cut short or with bytes flipped: what a receipt upload may be. */
export function hostileFiles(samples: readonly Buffer[], count: number, seed: number): Buffer[] {
  const damaged = fc
    .record({
      sample: fc.constantFrom(...samples),
      cut: fc.nat(),
      flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
    })
    .map(({ sample, cut, flips }) => {
      const bytes = Buffer.from(sample.subarray(0, 1 + (cut % sample.length)));
      for (const { at, byte } of flips) bytes[at % bytes.length] = byte;
      return bytes;
    });
  const random = fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((value) => Buffer.from(value));
  return fc.sample(fc.oneof(damaged, random), { numRuns: count, seed });
}
