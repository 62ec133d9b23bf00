import { describe, expect, it } from "vitest";
import {
  newOrderReference,
  parseOrderReference,
  REFERENCE_ALPHABET,
  REFERENCE_LENGTH,
} from "../../src/domain/reference.js";

/** A `random` that returns the given indexes in turn, checking the bound it is asked for. */
function sequence(...indexes: number[]) {
  let call = 0;
  return (max: number) => {
    expect(max).toBe(REFERENCE_ALPHABET.length);
    const index = indexes[call++ % indexes.length]!;
    return index;
  };
}

describe("REFERENCE_ALPHABET", () => {
  it("has no look-alike characters", () => {
    for (const ambiguous of ["0", "O", "1", "I", "L", "U", "V"])
      expect(REFERENCE_ALPHABET).not.toContain(ambiguous);
  });

  it("has no repeated characters", () => {
    expect(new Set(REFERENCE_ALPHABET).size).toBe(REFERENCE_ALPHABET.length);
  });
});

describe("newOrderReference", () => {
  it.each<[number[], string]>([
    [[0], "DK-22222"],
    [[REFERENCE_ALPHABET.length - 1], "DK-ZZZZZ"],
    [[5, 13, 1, 17, 0], "DK-7F3K2"],
  ])("maps random indexes %j to %s", (indexes, expected) => {
    expect(newOrderReference(sequence(...indexes))).toBe(expected);
  });

  it("draws one character per position", () => {
    let calls = 0;
    newOrderReference((max) => {
      calls++;
      return max - 1;
    });
    expect(calls).toBe(REFERENCE_LENGTH);
  });

  it("makes parseable references with the default random source", () => {
    for (let i = 0; i < 200; i++) {
      const reference = newOrderReference();
      expect(reference).toMatch(new RegExp(`^DK-[${REFERENCE_ALPHABET}]{${REFERENCE_LENGTH}}$`));
      expect(parseOrderReference(reference)).toBe(reference);
    }
  });
});

describe("parseOrderReference", () => {
  it.each([
    ["DK-7F3K2", "DK-7F3K2"],
    ["dk-7f3k2", "DK-7F3K2"],
    ["DK 7F3K2", "DK-7F3K2"],
    ["  dk 7f3k2\n", "DK-7F3K2"],
    ["DK7F3K2", "DK-7F3K2"],
    ["7f3k2", "DK-7F3K2"],
    ["7F3-K2", "DK-7F3K2"],
    ["dk_7f3k2", "DK-7F3K2"],
    ["DKABC", "DK-DKABC"],
    ["DK-DKABC", "DK-DKABC"],
  ])("reads %j as %s", (input, expected) => {
    expect(parseOrderReference(input)).toBe(expected);
  });

  it.each([
    ["a zero", "DK-7F0K2"],
    ["a letter O", "DK-7FOK2"],
    ["a one", "DK-7F1K2"],
    ["a letter I", "DK-7FIK2"],
    ["a letter L", "DK-7FLK2"],
    ["a letter U", "DK-7FUK2"],
    ["too short", "DK-7F3K"],
    ["too long", "DK-7F3K22"],
    ["too long without prefix", "7F3K2A"],
    ["punctuation", "DK-7F3K2!"],
    ["another prefix", "XX-7F3K2"],
    ["empty", ""],
    ["the prefix only", "DK-"],
  ])("rejects %s (%j)", (_what, input) => {
    expect(parseOrderReference(input)).toBeNull();
  });
});
