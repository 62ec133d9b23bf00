/**
 * The architecture test: dependency-cruiser (swc parser, so type-only imports count) checks
 * src/ against .dependency-cruiser.cjs — no cycles, layers pointing down (DESIGN §1), nothing
 * from the sandbox. A fixture tree with forbidden imports proves the rules do fire.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = process.cwd();

interface CruiseResult {
  readonly summary: {
    readonly totalCruised: number;
    readonly violations: readonly { rule: { name: string }; from: string; to: string }[];
  };
}

/** The rules' findings for `src` under `cwd`, one line each. */
async function violations(cwd: string): Promise<{ cruised: number; found: string[] }> {
  const { stdout } = await promisify(execFile)(
    join(ROOT, "node_modules/.bin/depcruise"),
    ["src", "--config", join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "json"],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as CruiseResult;
  return {
    cruised: result.summary.totalCruised,
    found: result.summary.violations.map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`),
  };
}

describe("architecture", () => {
  it("src/ has no cycle, no upward import and no sandbox import", async () => {
    const { cruised, found } = await violations(ROOT);
    expect(cruised).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  it("reports a forbidden import, a cycle through types and a sandbox import when there is one", async () => {
    const { found } = await violations(join(ROOT, "test/fixtures/architecture"));
    expect(found.sort()).toEqual([
      "domain-is-the-base: src/domain/money.ts → src/bot/adapter.ts",
      "no-cycles: src/bot/adapter.ts → src/domain/money.ts",
      "no-sandbox-in-src: src/bot/adapter.ts → sandbox/emulator.ts",
    ]);
  });
});
