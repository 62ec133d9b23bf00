import { describe, expect, it } from "vitest";
import {
  canKeepChoice,
  pickWeighted,
  type Routable,
  sharesOf,
  splitGroupOf,
  withFirst,
} from "../../../src/payments/routing/split.js";
import { seededRandom } from "../../helpers/random.js";

const candidate = (_id: string, priority: number, weight?: number): Routable => ({
  instance: { _id, priority, ...(weight === undefined ? {} : { weight }) },
});
const ids = (list: readonly Routable[]) => list.map(({ instance }) => instance._id);
const eightyTwenty = [
  { instanceId: "pi_a", weight: 80 },
  { instanceId: "pi_b", weight: 20 },
];

describe("splitGroupOf", () => {
  it.each<[string, Routable[], string[]]>([
    ["no candidates", [], []],
    ["no weights: priority order only", [candidate("a", 1), candidate("b", 1)], []],
    ["one weighted instance splits nothing", [candidate("a", 1, 80), candidate("b", 1)], []],
    ["two weighted at the best priority", [candidate("a", 1, 80), candidate("b", 1, 20)], ["a", "b"]],
    [
      "unweighted peers and worse priorities stay out",
      [candidate("a", 1, 80), candidate("u", 1), candidate("b", 1, 20), candidate("c", 2, 50)],
      ["a", "b"],
    ],
    [
      "weighted only below the best priority",
      [candidate("a", 1), candidate("b", 2, 5), candidate("c", 2, 5)],
      [],
    ],
    ["weights adding up to nothing", [candidate("a", 1, 0), candidate("b", 1, 0)], []],
    [
      "a zero weight stays in a group that has weight",
      [candidate("a", 1, 0), candidate("b", 1, 3)],
      ["a", "b"],
    ],
  ])("%s", (_name, candidates, expected) => {
    expect(ids(splitGroupOf(candidates))).toEqual(expected);
  });

  it("describes the group as shares", () => {
    expect(sharesOf([candidate("pi_a", 1, 80), candidate("pi_b", 1, 20)])).toEqual(eightyTwenty);
  });
});

describe("pickWeighted", () => {
  it.each<[number, string]>([
    [0, "pi_a"],
    [0.5, "pi_a"],
    [0.7999, "pi_a"],
    [0.8, "pi_b"],
    [0.9999, "pi_b"],
    [1, "pi_b"],
  ])("random %d lands on %s at 80/20", (random, expected) => {
    expect(pickWeighted(eightyTwenty, random)).toBe(expected);
  });

  it("never lands on a zero weight, whatever the draw", () => {
    const shares = [
      { instanceId: "pi_zero", weight: 0 },
      { instanceId: "pi_one", weight: 1 },
      { instanceId: "pi_last_zero", weight: 0 },
    ];
    for (const random of [0, 0.3, 0.999, 1]) expect(pickWeighted(shares, random)).toBe("pi_one");
  });

  it("refuses shares without any weight", () => {
    expect(() => pickWeighted([{ instanceId: "pi_a", weight: 0 }], 0.5)).toThrow(RangeError);
  });

  it("follows the weights over many seeded draws", () => {
    const random = seededRandom(42);
    const shares = [...eightyTwenty, { instanceId: "pi_c", weight: 100 }];
    const counts = new Map<string, number>();
    for (let draw = 0; draw < 20_000; draw++) {
      const chosen = pickWeighted(shares, random());
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    expect((counts.get("pi_a") ?? 0) / 20_000).toBeCloseTo(0.4, 1);
    expect((counts.get("pi_b") ?? 0) / 20_000).toBeCloseTo(0.1, 1);
    expect((counts.get("pi_c") ?? 0) / 20_000).toBeCloseTo(0.5, 1);
  });
});

describe("canKeepChoice", () => {
  const hour = 3_600_000;
  const at = new Date("2026-12-01T10:00:00Z");
  const later = (ms: number) => new Date(at.getTime() + ms);

  it.each<[string, { instanceId: string; at: Date }, Date, boolean]>([
    ["within the period", { instanceId: "pi_b", at }, later(23 * hour), true],
    ["at the very start", { instanceId: "pi_b", at }, at, true],
    ["once the period is over", { instanceId: "pi_b", at }, later(24 * hour), false],
    ["an instance no longer in the group", { instanceId: "pi_gone", at }, later(hour), false],
    ["a choice from the future (clock skew)", { instanceId: "pi_b", at: later(hour) }, at, false],
  ])("%s", (_name, remembered, now, expected) => {
    expect(canKeepChoice(remembered, eightyTwenty, now, 24 * hour)).toBe(expected);
  });

  it("drops a choice whose weight went to zero", () => {
    const drained = [eightyTwenty[0]!, { instanceId: "pi_b", weight: 0 }];
    expect(canKeepChoice({ instanceId: "pi_b", at }, drained, later(hour), 24 * hour)).toBe(false);
  });
});

describe("withFirst", () => {
  it("puts the chosen instance first and keeps the others in fallback order", () => {
    const candidates = [candidate("a", 1, 80), candidate("b", 1, 20), candidate("c", 5)];
    expect(ids(withFirst(candidates, "b"))).toEqual(["b", "a", "c"]);
    expect(ids(withFirst(candidates, "a"))).toEqual(["a", "b", "c"]);
  });
});
