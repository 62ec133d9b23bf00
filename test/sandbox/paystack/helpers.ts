import { createHmac, timingSafeEqual } from "node:crypto";
import express from "express";
import {
  createPaystackEmulator,
  type PaystackEmulator,
  type PaystackEmulatorOptions,
} from "../../../sandbox/paystack/index.js";
import { closeAfterTest, listen } from "../shared-helpers.js";

export async function startEmulator(options?: PaystackEmulatorOptions): Promise<PaystackEmulator> {
  return closeAfterTest(await createPaystackEmulator(options));
}

export interface ApiResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON off the wire; the tests assert its shape field by field.
  body: Record<string, unknown> & { status: boolean; message: string; data?: any };
}

/** One API call over real HTTP, authenticated with the default secret key unless `key` says otherwise. */
export async function api(
  emulator: PaystackEmulator,
  method: "GET" | "POST",
  path: string,
  init: { json?: unknown; form?: Record<string, string>; key?: string | null; rawBody?: string } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  const key = init.key === undefined ? emulator.secretKey : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | URLSearchParams | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.rawBody !== undefined) {
    headers["content-type"] = "application/json";
    body = init.rawBody;
  } else if (init.form !== undefined) {
    body = new URLSearchParams(init.form);
  }
  const response = await fetch(`${emulator.baseUrl}${path}`, { method, headers, body });
  return { status: response.status, body: (await response.json()) as ApiResult["body"] };
}

export async function initialize(
  emulator: PaystackEmulator,
  json: Record<string, unknown> = {},
  key?: string,
): Promise<{ reference: string; access_code: string; authorization_url: string }> {
  const result = await api(emulator, "POST", "/transaction/initialize", {
    json: { email: "shopper@example.com", amount: 15000, ...json },
    ...(key === undefined ? {} : { key }),
  });
  if (result.status !== 200) throw new Error(`initialize failed: ${JSON.stringify(result.body)}`);
  return result.body.data;
}

export function verify(emulator: PaystackEmulator, reference: string, key?: string): Promise<ApiResult> {
  return api(emulator, "GET", `/transaction/verify/${encodeURIComponent(reference)}`, {
    ...(key === undefined ? {} : { key }),
  });
}

/** Submits the hosted checkout form without following the redirect. */
export async function submitCheckout(
  authorizationUrl: string,
  card: { card_number: string; expiry?: string; cvv?: string },
): Promise<{ status: number; location: string | null; html: string }> {
  const response = await fetch(authorizationUrl, {
    method: "POST",
    body: new URLSearchParams({ expiry: "12/35", cvv: "408", ...card }),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

export interface ReceivedWebhook {
  readonly raw: Buffer;
  readonly signature: string | undefined;
  /** The signature checked the way the service must: HMAC-SHA512 over the raw bytes, constant time. */
  readonly valid: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: JSON off the wire; the tests assert its shape field by field.
  readonly event: { event: string; data: Record<string, any> };
}

/**
 * A merchant webhook endpoint like the service's: raw body, signature verified over those bytes.
 * `answer(n)` gives the HTTP status for the n-th request (1-based). Default: 200.
 */
export async function startReceiver(
  secretKey: string,
  answer: (n: number) => number = () => 200,
): Promise<{ url: string; received: ReceivedWebhook[] }> {
  const received: ReceivedWebhook[] = [];
  const app = express();
  app.post("/webhooks/paystack", express.raw({ type: "*/*" }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.get("x-paystack-signature");
    const expected = Buffer.from(createHmac("sha512", secretKey).update(raw).digest("hex"));
    const given = Buffer.from(header ?? "");
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    let event: ReceivedWebhook["event"] = { event: "", data: {} };
    try {
      event = JSON.parse(raw.toString("utf8"));
    } catch {
      // recorded as received; the test decides
    }
    received.push({ raw, signature: header, valid, event });
    res.status(answer(received.length)).json({ ok: true });
  });
  const origin = await listen(app);
  return { url: `${origin}/webhooks/paystack`, received };
}
