import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPlausibleCode, MAX_SMS_LENGTH, type MpesaSms, parseMpesaSms } from "../../src/domain/mpesa-sms.js";
import { SMS } from "../fixtures/mpesa-sms.js";

const kes = (shillings: number) => ({ amount: shillings * 100, currency: "KES" });
/** Kenya time is UTC+3. */
const eat = (iso: string) => new Date(`${iso}+03:00`);

function parsed(text: unknown): MpesaSms {
  const reading = parseMpesaSms(text);
  if (!reading.ok) throw new Error(`not read: ${reading.reason}`);
  return reading.sms;
}

describe("parseMpesaSms reads each format", () => {
  it.each<[string, string, MpesaSms]>([
    [
      "Paybill",
      SMS.paybill,
      {
        code: "UL3XDEMO7Q",
        kind: "paybill",
        amount: kes(1250),
        counterparty: { name: "MAMA MBOGA DEMO SHOP" },
        account: "DK-4ZTE5",
        at: eat("2026-12-03T10:15"),
        language: "en",
      },
    ],
    [
      "Till (Buy Goods)",
      SMS.till,
      {
        code: "UL4XDEMO2K",
        kind: "till",
        amount: kes(780),
        counterparty: { name: "KIBANDA DEMO STORES" },
        at: eat("2026-12-04T18:02"),
        language: "en",
      },
    ],
    [
      "send money",
      SMS.sendMoney,
      {
        code: "UL5XDEMO9B",
        kind: "send_money",
        amount: kes(300),
        counterparty: { name: "JANE DEMO", number: "0700000001" },
        at: eat("2026-12-05T09:41"),
        language: "en",
      },
    ],
    [
      "received from a person",
      SMS.received,
      {
        code: "UL6XDEMO1A",
        kind: "received",
        amount: kes(1000),
        counterparty: { name: "PETER DEMO", number: "0700000002" },
        at: eat("2026-12-06T12:16"),
        language: "en",
      },
    ],
    [
      "received from a business",
      SMS.fromBusiness,
      {
        code: "UL7XDEMO5C",
        kind: "received",
        amount: kes(780),
        counterparty: { name: "DEMO DUKA B2C" },
        at: eat("2026-12-07T15:30"),
        language: "en",
      },
    ],
    [
      "old multi-line Paybill with a 9-character code",
      SMS.oldPaybill,
      {
        code: "DY12DEMO9",
        kind: "paybill",
        amount: kes(4000),
        counterparty: { name: "DEMO Paybill AC" },
        account: "1137000000",
        at: eat("2013-09-09T23:31"),
        language: "en",
      },
    ],
    [
      "Swahili send money",
      SMS.swahiliSend,
      {
        code: "UM1XDEMO3S",
        kind: "send_money",
        amount: kes(7500),
        counterparty: { name: "PETER DEMO", number: "0700000003" },
        at: eat("2026-09-12T14:15"),
        language: "sw",
      },
    ],
    [
      "Swahili Paybill",
      SMS.swahiliPaybill,
      {
        code: "UM2XDEMO4P",
        kind: "paybill",
        amount: kes(1250),
        counterparty: { name: "MAMA MBOGA DEMO SHOP" },
        account: "DK-4ZTE5",
        at: eat("2026-12-03T10:15"),
        language: "sw",
      },
    ],
  ])("%s", (_name, text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it("takes the variations people paste: case, spacing, line breaks, KES, leading blanks", () => {
    const text =
      "  ul3xdemo7q  CONFIRMED.\nKES 1250.00 sent to MAMA MBOGA DEMO SHOP\u00a0for account DK-4ZTE5 on 03/12/26 at 10:15AM\n\nNew M-PESA balance…";
    expect(parsed(text)).toMatchObject({ code: "UL3XDEMO7Q", amount: kes(1250), account: "DK-4ZTE5" });
    expect(parsed(text).at).toEqual(eat("2026-12-03T10:15"));
  });

  it("reads 12 AM as midnight and 12 PM as noon", () => {
    const at = (time: string) => parsed(SMS.sendMoney.replace("9:41 AM", time)).at;
    expect(at("12:05 AM")).toEqual(eat("2026-12-05T00:05"));
    expect(at("12:05 PM")).toEqual(eat("2026-12-05T12:05"));
  });

  it("names a business by the number before its name", () => {
    const text = SMS.fromBusiness.replace("DEMO DUKA B2C", "501901 - KCB Money Transfer Services");
    expect(parsed(text).counterparty).toEqual({ name: "KCB Money Transfer Services", number: "501901" });
  });

  it("reads a Swahili wording it does not know on its code, amount and date", () => {
    const text =
      "UM3XDEMO5T Imethibitishwa. Umelipa Ksh500.00 DEMO tarehe 1/12/26 saa 8:05 PM. Salio ni Ksh9.00";
    expect(parsed(text)).toEqual({
      code: "UM3XDEMO5T",
      kind: "unknown",
      amount: kes(500),
      at: eat("2026-12-01T20:05"),
      language: "sw",
    });
  });

  it("keeps chat markup out of names and accounts", () => {
    const text = SMS.paybill.replace("MAMA MBOGA", "*MAMA* _MBOGA_").replace("DK-4ZTE5", "`DK-4ZTE5`");
    expect(parsed(text)).toMatchObject({
      counterparty: { name: "MAMA MBOGA DEMO SHOP" },
      account: "DK-4ZTE5",
    });
  });
});

describe("parseMpesaSms refuses what is not a confirmation", () => {
  it.each<[string, unknown, string]>([
    ["not text", 42, "not_text"],
    ["undefined", undefined, "not_text"],
    ["an object", { text: SMS.paybill }, "not_text"],
    ["empty", "", "no_code"],
    ["a greeting", "hello, I paid", "no_code"],
    ["a code alone", "UL3XDEMO7Q Confirmed.", "no_amount"],
    ["no code", SMS.paybill.replace("UL3XDEMO7Q ", ""), "no_code"],
    ["a code of letters only", SMS.paybill.replace("UL3XDEMO7Q", "ABCDEFGHIJ"), "no_code"],
    ["a code of digits only", SMS.paybill.replace("UL3XDEMO7Q", "1234567890"), "no_code"],
    ["a code too short", SMS.paybill.replace("UL3XDEMO7Q", "UL3XDEMO"), "no_code"],
    ["a code too long", SMS.paybill.replace("UL3XDEMO7Q", "UL3XDEMO7QQ"), "no_code"],
    ["the code not first", `Hi ${SMS.paybill}`, "no_code"],
    ["a failed transaction", SMS.paybill.replace("Confirmed", "Failed"), "no_code"],
    ["no amount", SMS.paybill.replace("Ksh1,250.00 ", ""), "no_amount"],
    ["a zero amount", SMS.paybill.replace("Ksh1,250.00", "Ksh0.00"), "no_amount"],
    ["a misgrouped amount", SMS.paybill.replace("Ksh1,250.00", "Ksh1,2500.00"), "no_amount"],
    // Found by the fuzz test: "7,500." then more digits is a garbled number, not KES 7,500.00.
    [
      "an amount broken by a stray point",
      SMS.paybill.replace("Ksh1,250.00", "Ksh1,250.,250.00"),
      "no_amount",
    ],
    [
      "a Swahili amount broken by a stray point",
      "UM1XDEMO3S Imethibitishwa. Ksh7,500.,500.00 imetumwa kwa PETER DEMO 0700000003 tarehe 12/9/26 saa 2:15 PM. Salio lako jipya la M-PESA ni Ksh58,100.00.",
      "no_amount",
    ],
    ["an absurd amount", SMS.paybill.replace("Ksh1,250.00", "Ksh99,000,000.00"), "no_amount"],
    [
      "only a balance after the date",
      "UL3XDEMO7Q Confirmed. on 3/12/26 at 10:15 AM New M-PESA balance is Ksh3,410.50.",
      "no_amount",
    ],
    ["no date", SMS.paybill.replace(" on 3/12/26 at 10:15 AM", ""), "no_date"],
    ["a day that does not exist", SMS.paybill.replace("3/12/26", "31/2/26"), "no_date"],
    ["an hour that does not exist", SMS.paybill.replace("10:15 AM", "13:15 PM"), "no_date"],
    ["a minute that does not exist", SMS.paybill.replace("10:15 AM", "10:65 AM"), "no_date"],
    ["far too long", SMS.paybill + " x".repeat(MAX_SMS_LENGTH), "too_long"],
  ])("%s", (_name, text, reason) => {
    expect(parseMpesaSms(text)).toEqual({ ok: false, reason });
  });
});

describe("isPlausibleCode", () => {
  it.each([
    ["UL3XDEMO7Q", true],
    ["DY12DEMO9", true],
    ["ul3xdemo7q", false],
    ["3UL3XDEMO7", false],
    ["U123456789", false],
    ["UL3XDEMO7", true],
    ["UL3XDEMO", false],
  ])("%s → %s", (code, plausible) => {
    expect(isPlausibleCode(code)).toBe(plausible);
  });
});

/**
 * The oracle, written apart from the parser: an accepted text starts with the code (after an
 * optional "Congratulations!") and carries "Ksh"/"KES" followed by exactly the amount read.
 */
function isBackedByText(text: string, sms: MpesaSms): boolean {
  const flat = text
    .normalize("NFKC")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^congratulations!?\s+/i, "");
  const startsWithCode = flat.slice(0, sms.code.length).toUpperCase() === sms.code;
  const amounts = [...flat.replace(/,/g, "").matchAll(/k(?:sh|es)\.?\s?(\d+)(?:\.(\d{2}))?/gi)].map(
    ([, whole, cents]) => Number(whole) * 100 + Number(cents ?? 0),
  );
  return (
    isPlausibleCode(sms.code) &&
    startsWithCode &&
    sms.amount.currency === "KES" &&
    sms.amount.amount > 0 &&
    amounts.includes(sms.amount.amount) &&
    !Number.isNaN(sms.at.getTime())
  );
}

const EMOJI = ["😀", "🇰🇪", "👍🏽", "👨‍👩‍👧", "\u200d", "\ufe0f", "💸", "✅"];
const OTHER_LANGUAGES = [
  "Umepokea pesa",
  "تم التأكيد",
  "已确认付款",
  "ክፍያ ተረጋግጧል",
  "भुगतान की पुष्टि",
  "Подтверждено",
  "Imethibitishwa",
  "Ksh",
  "Confirmed.",
  " on 3/12/26 at 10:15 AM ",
];
const samples = Object.values(SMS) as string[];

const noise = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom(...EMOJI, ...OTHER_LANGUAGES),
);

/** An edit of a real-format SMS: cut a piece, insert noise, retype a character's case, repeat a piece. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), length: fc.nat({ max: 20 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: noise }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.nat({ max: 30 }) }),
);

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(text: string, change: Edit): string {
  const at = text.length === 0 ? 0 : change.at % (text.length + 1);
  switch (change.kind) {
    case "cut":
      return text.slice(0, at) + text.slice(at + change.length);
    case "insert":
      return text.slice(0, at) + change.text + text.slice(at);
    case "case": {
      const char = text.charAt(at);
      const swapped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return text.slice(0, at) + swapped + text.slice(at + 1);
    }
    case "repeat":
      return text.slice(0, at + change.length) + text.slice(at);
  }
}

const mutatedSms = fc
  .tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 }))
  .map(([sample, edits]) => edits.reduce(applyEdit, sample));

const anyText = fc.oneof(
  { weight: 4, arbitrary: mutatedSms },
  { weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.array(noise, { maxLength: 30 }).map((parts) => parts.join(" ")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((tail) => `UL3XDEMO7Q Confirmed. ${tail}`) },
);

describe("parseMpesaSms under fuzzing", () => {
  it("never throws and never accepts a text without a plausible code and amount (10,000 inputs)", () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const reading = parseMpesaSms(text);
        if (!reading.ok) return true;
        accepted++;
        return isBackedByText(text, reading.sms);
      }),
      { numRuns: 10_000 },
    );
    // The mutated texts must sometimes still read, or the property above proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });

  it("never throws on values that are not text", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const reading = parseMpesaSms(value);
        return typeof value === "string" || (!reading.ok && reading.reason === "not_text");
      }),
      { numRuns: 500 },
    );
  });
});
