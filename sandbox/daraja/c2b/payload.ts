import { createHash } from "node:crypto";
import { toDarajaTimestamp } from "../time.js";
import type { C2bRegistration } from "./types.js";

/** The number as each API version shows it (providers-2.md §3.2): v2 masked, v1 SHA-256 hashed. */
export function shownMsisdn(msisdn: string, version: C2bRegistration["version"]): string {
  return version === "v1"
    ? createHash("sha256").update(msisdn).digest("hex")
    : `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`;
}

/** The validation/confirmation body (providers-2.md §3.4): every value a string. */
export function c2bBody(input: {
  readonly kind: "paybill" | "till";
  readonly transId: string;
  readonly epochMs: number;
  readonly amount: number;
  readonly shortcode: string;
  readonly account?: string;
  readonly msisdn: string;
  readonly firstName: string;
  readonly version: C2bRegistration["version"];
  /** The organisation's balance after the payment; empty in a validation. */
  readonly balance: string;
}): Record<string, string> {
  return {
    TransactionType: input.kind === "till" ? "Buy Goods" : "Pay Bill",
    TransID: input.transId,
    TransTime: toDarajaTimestamp(input.epochMs),
    TransAmount: input.amount.toFixed(2),
    BusinessShortCode: input.shortcode,
    BillRefNumber: input.kind === "till" ? "" : (input.account ?? ""),
    InvoiceNumber: "",
    OrgAccountBalance: input.balance,
    ThirdPartyTransID: "",
    MSISDN: shownMsisdn(input.msisdn, input.version),
    FirstName: input.firstName,
    MiddleName: "",
    LastName: "",
  };
}
