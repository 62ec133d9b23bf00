import { describe, expect, it } from "vitest";
import { decode, encode } from "../../../src/store/embedded/codec.js";

describe("embedded codec", () => {
  const when = new Date(Date.UTC(2026, 11, 4, 9, 30));

  it("writes Dates as Extended JSON wherever they stand, and reads them back as Dates", () => {
    const doc = { _id: "a", at: when, nested: { list: [when, 1, "x", null], deep: { at: when } } };
    const text = encode(doc);
    expect(JSON.parse(text)).toEqual({
      _id: "a",
      at: { $date: when.toISOString() },
      nested: {
        list: [{ $date: when.toISOString() }, 1, "x", null],
        deep: { at: { $date: when.toISOString() } },
      },
    });
    expect(decode(text)).toEqual(doc);
    expect(decode(encode(when))).toEqual(when);
  });

  it("leaves the document it encodes untouched, and reads a date-like string as a string", () => {
    const doc = { at: when, note: when.toISOString() };
    encode(doc);
    expect(doc.at).toBeInstanceOf(Date);
    expect(decode(encode(doc))).toEqual({ at: when, note: when.toISOString() });
  });
});
