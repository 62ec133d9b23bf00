/**
 * The emulator's Pull Transactions API over plain HTTP: registration, the Kenya-time window, the
 * 48-hour limit, paging, and the refusals (no token, unregistered shortcode, bad fields).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  DARAJA_PATHS,
  PULL_ALREADY_REGISTERED,
  PULL_NOT_REGISTERED,
  PULL_PAGE_SIZE,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, startDaraja } from "./helpers.js";

afterEach(runCleanups);

const NOW = Date.parse("2026-12-05T07:00:00Z");
const HOUR = 60 * 60 * 1000;

/** "2026-12-05 10:00:00": the instant as Kenya wall-clock time. */
function kenya(epochMs: number): string {
  return new Date(epochMs + 3 * HOUR).toISOString().slice(0, 19).replace("T", " ");
}

async function setup(options: { registerOnce?: boolean } = {}) {
  let now = NOW;
  const daraja = await startDaraja({ clock: () => now, c2bRegisterOnce: options.registerOnce ?? false });
  const client = new DarajaTestClient(daraja, { clock: () => now });
  // A fresh token each call: the tests move the clock past a token's hour.
  const register = async (overrides: Record<string, unknown> = {}) =>
    client.call(DARAJA_PATHS.pullRegister, {
      token: await client.token(),
      json: {
        ShortCode: SANDBOX_SHORTCODE,
        RequestType: "Pull",
        NominatedNumber: "254722000000",
        CallBackURL: "https://shop.example.co.ke/hooks/c2b/pull",
        ...overrides,
      },
    });
  const query = async (overrides: Record<string, unknown> = {}) =>
    client.call(DARAJA_PATHS.pullQuery, {
      token: await client.token(),
      json: {
        ShortCode: SANDBOX_SHORTCODE,
        StartDate: kenya(now - 48 * HOUR),
        EndDate: kenya(now),
        OffSetValue: "0",
        ...overrides,
      },
    });
  const rows = (answer: { body: Record<string, unknown> }) =>
    ((answer.body.Response as unknown[][])[0] ?? []) as Record<string, unknown>[];
  return { daraja, client, register, query, rows, setNow: (at: number) => (now = at) };
}

describe("Pull Transactions", () => {
  it("registers a shortcode and lists its payments, dropped confirmations included, in Kenya time", async () => {
    const { daraja, register, query, rows, setNow } = await setup();
    const registered = await register();
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ ResponseStatus: "1000", ShortCode: SANDBOX_SHORTCODE });
    expect(daraja.pullRegistration(SANDBOX_SHORTCODE)).toMatchObject({ nominatedNumber: "254722000000" });

    const paid = await daraja.payBill({
      account: "DK-ABC12",
      amount: 60,
      phone: "0712345678",
      delivery: "drop",
    });
    setNow(NOW + 5 * 60_000);
    const till = await daraja.payBill({ account: "", amount: 5, phone: "0112345678" });
    const answer = await query();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ResponseCode: "1000", ResponseMessage: "Success" });
    expect(rows(answer)).toEqual([
      {
        transactionId: paid.transId,
        trxDate: "2026-12-05T10:00:00+03:00",
        msisdn: 254712345678,
        sender: "UNKNOWN",
        transactiontype: "c2b-pay-bill-debit",
        billreference: "DK-ABC12",
        amount: "60.00",
        organizationname: "Duka Shop",
      },
      expect.objectContaining({ transactionId: till.transId, billreference: "", amount: "5.00" }),
    ]);

    // Both ends are Kenya wall-clock times and inclusive.
    const first = await query({ StartDate: "2026-12-05 10:00:00", EndDate: "2026-12-05 10:04:59" });
    expect(rows(first).map((row) => row.transactionId)).toEqual([paid.transId]);
    const utcMistake = await query({
      StartDate: kenya(NOW - 3 * HOUR - 60_000),
      EndDate: kenya(NOW - 3 * HOUR),
    });
    expect(rows(utcMistake)).toEqual([]);
  });

  it("keeps 48 hours only and pages by OffSetValue", async () => {
    const { daraja, register, query, rows, setNow } = await setup();
    await register();
    const old = await daraja.payBill({ account: "OLD", amount: 10, phone: "0712345678" });
    setNow(NOW + 48 * HOUR + 1000);
    const recent = [];
    for (let i = 0; i < PULL_PAGE_SIZE + 1; i++) {
      recent.push((await daraja.payBill({ account: `A${i}`, amount: 10, phone: "0712345678" })).transId);
    }
    const firstPage = await query({ StartDate: kenya(NOW - HOUR) });
    expect(rows(firstPage)).toHaveLength(PULL_PAGE_SIZE);
    expect(rows(firstPage).map((row) => row.transactionId)).not.toContain(old.transId);
    const secondPage = await query({ StartDate: kenya(NOW - HOUR), OffSetValue: String(PULL_PAGE_SIZE) });
    expect(rows(secondPage).map((row) => row.transactionId)).toEqual([recent.at(-1)]);
    expect(rows(await query({ OffSetValue: "500" }))).toEqual([]);
  });

  it("refuses a query without a token, for an unregistered shortcode, and with bad fields", async () => {
    const { client, register, query } = await setup();
    const unregistered = await query();
    expect(unregistered.status).toBe(PULL_NOT_REGISTERED.status);
    expect(unregistered.body).toMatchObject({ errorCode: PULL_NOT_REGISTERED.errorCode });
    const tokenless = await client.call(DARAJA_PATHS.pullQuery, { json: { ShortCode: SANDBOX_SHORTCODE } });
    expect(tokenless.body).toMatchObject({ errorCode: "404.001.03" });
    await register();
    for (const [field, value] of [
      ["StartDate", "2026-12-05T10:00:00"],
      ["StartDate", "2026-02-30 10:00:00"],
      ["EndDate", kenya(NOW - 72 * HOUR)],
      ["OffSetValue", "-1"],
      ["ShortCode", "999999"],
    ] as const) {
      const answer = await query({ [field]: value });
      expect(answer.status, `${field} ${value}`).toBe(400);
      expect(answer.body.errorMessage).toBe(`Bad Request - Invalid ${field}`);
    }
  });

  it("refuses bad registrations, and a second one where shortcodes register once", async () => {
    const { register } = await setup({ registerOnce: true });
    for (const [field, value] of [
      ["RequestType", "pull"],
      ["NominatedNumber", "12345"],
      ["CallBackURL", "not a url"],
    ] as const) {
      const answer = await register({ [field]: value });
      expect(answer.status, field).toBe(400);
      expect(answer.body.errorMessage).toBe(`Bad Request - Invalid ${field}`);
    }
    expect((await register()).status).toBe(200);
    const again = await register();
    expect(again.status).toBe(500);
    expect(again.body).toMatchObject({ errorMessage: PULL_ALREADY_REGISTERED.errorMessage });
  });
});
