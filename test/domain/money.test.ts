import { describe, expect, it } from "vitest";
import {
  add,
  currencyExponent,
  equals,
  formatMoney,
  fromMajor,
  isCurrencyCode,
  MoneyError,
  money,
  multiply,
  sum,
  toMajor,
} from "../../src/domain/money.js";

describe("currencyExponent", () => {
  it.each([
    ["KES", 2],
    ["NGN", 2],
    ["UGX", 0],
    ["JPY", 0],
    ["KWD", 3],
  ])("%s has %i decimals", (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });

  it("refuses something that is not a currency code, saying what to use", () => {
    expect(() => currencyExponent("shillings")).toThrow(MoneyError);
    expect(() => currencyExponent("KSH")).toThrow(
      'Unknown currency "KSH": use an ISO 4217 code such as KES or NGN',
    );
  });

  it("answers the same from its cache", () => {
    expect([currencyExponent("UGX"), currencyExponent("UGX")]).toEqual([0, 0]);
  });
});

describe("isCurrencyCode", () => {
  it.each([
    ["KES", true],
    ["NGN", true],
    ["kes", false],
    ["KE", false],
    ["KESS", false],
    ["KSH", false],
    ["QQQ", false],
    ["", false],
  ])("%j → %s", (code, expected) => {
    expect(isCurrencyCode(code)).toBe(expected);
  });
});

describe("fromMajor", () => {
  it.each<[number, string, number]>([
    [450.5, "KES", 45050],
    [450.55, "KES", 45055],
    [30, "KES", 3000],
    [0.07, "KES", 7],
    [1.15, "KES", 115],
    [4.35, "KES", 435],
    [0.29, "KES", 29],
    [2750.5, "NGN", 275050],
    [25000, "UGX", 25000],
    [1.234, "KWD", 1234],
    [21474836.47, "KES", 2147483647],
    [10000000000.21, "KES", 1000000000021],
    [1e-2, "KES", 1],
  ])("%d %s → %i minor units", (major, currency, minor) => {
    expect(fromMajor(major, currency)).toEqual({ amount: minor, currency });
  });

  it.each<[number, string]>([
    [450.505, "KES"],
    [1.005, "KES"],
    [0.001, "NGN"],
    [1.5, "UGX"],
    [1e-7, "KES"],
    [1.5e21, "KES"],
    [Number.NaN, "KES"],
    [Number.POSITIVE_INFINITY, "KES"],
  ])("refuses %d %s", (major, currency) => {
    expect(() => fromMajor(major, currency)).toThrow(MoneyError);
  });

  it("names the currency's decimals in the message", () => {
    expect(() => fromMajor(450.505, "KES")).toThrow(
      "450.505 KES has more decimal places than KES allows (2)",
    );
  });

  it("round-trips with toMajor", () => {
    expect(toMajor(fromMajor(450.5, "KES"))).toBe(450.5);
    expect(toMajor(money(25000, "UGX"))).toBe(25000);
  });
});

describe("money", () => {
  it.each([0.5, Number.NaN, 2 ** 53])("refuses a non-integer or unsafe amount %d", (amount) => {
    expect(() => money(amount, "KES")).toThrow(MoneyError);
  });

  it("names what is wrong", () => {
    expect(() => money(0.5, "KES")).toThrow("Money amounts are whole minor units; got 0.5");
    expect(() => fromMajor(Number.NaN, "KES")).toThrow("NaN is not an amount of money");
    expect(() => fromMajor(Number.POSITIVE_INFINITY, "KES")).toThrow("Infinity is not an amount of money");
    expect(() => multiply(money(100, "KES"), 1.5)).toThrow("Quantity must be a whole number; got 1.5");
  });

  it("refuses a currency that is not an ISO 4217 code", () => {
    expect(() => money(100, "KSH")).toThrow(MoneyError);
  });

  it("its errors are MoneyErrors with the invalid code", () => {
    const error = (() => {
      try {
        money(0.5, "KES");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ name: "MoneyError", code: "invalid" });
  });
});

describe("arithmetic", () => {
  it("adds in one currency", () => {
    expect(add(money(100, "KES"), money(250, "KES"))).toEqual(money(350, "KES"));
  });

  it("refuses to add different currencies", () => {
    expect(() => add(money(100, "KES"), money(100, "NGN"))).toThrow("Cannot combine KES with NGN");
  });

  it.each<[number[], number]>([
    [[], 0],
    [[3000], 3000],
    [[3000, 45050, 12000], 60050],
  ])("sums %j", (amounts, total) => {
    expect(
      sum(
        amounts.map((amount) => money(amount, "KES")),
        "KES",
      ),
    ).toEqual(money(total, "KES"));
  });

  it("refuses to sum mixed currencies", () => {
    expect(() => sum([money(1, "KES"), money(1, "UGX")], "KES")).toThrow(MoneyError);
  });

  it.each([
    [3, 135150],
    [0, 0],
  ])("multiplies by %i", (times, amount) => {
    expect(multiply(money(45050, "KES"), times)).toEqual(money(amount, "KES"));
  });

  it.each([1.5, 0.1, Number.NaN])("refuses a non-integer quantity %d", (times) => {
    expect(() => multiply(money(100, "KES"), times)).toThrow(MoneyError);
  });

  it("compares amount and currency", () => {
    expect(equals(money(100, "KES"), money(100, "KES"))).toBe(true);
    expect(equals(money(100, "KES"), money(101, "KES"))).toBe(false);
    expect(equals(money(100, "KES"), money(100, "TZS"))).toBe(false);
  });
});

describe("formatMoney", () => {
  it.each<[number, string, string]>([
    [45050, "KES", "KES 450.50"],
    [3000, "KES", "KES 30.00"],
    [123456789, "KES", "KES 1,234,567.89"],
    [25000, "UGX", "UGX 25,000"],
    [275050, "NGN", "NGN 2,750.50"],
    [5, "KES", "KES 0.05"],
  ])("%i %s → %s", (amount, currency, text) => {
    expect(formatMoney(money(amount, currency))).toBe(text);
  });

  it("uses the locale's separators", () => {
    expect(formatMoney(money(123456, "KES"), "de")).toBe("KES 1.234,56");
  });
});
