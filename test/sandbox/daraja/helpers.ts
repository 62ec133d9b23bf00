import express from "express";
import {
  basicAuthorization,
  createDarajaEmulator,
  DARAJA_PATHS,
  type DarajaEmulator,
  type DarajaEmulatorOptions,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_MSISDN,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
  stkPassword,
  toDarajaTimestamp,
} from "../../../sandbox/daraja/index.js";
import { closeAfterTest, listen } from "../shared-helpers.js";

export async function startDaraja(options?: DarajaEmulatorOptions): Promise<DarajaEmulator> {
  return closeAfterTest(await createDarajaEmulator(options));
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface CallInit {
  readonly method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /** JSON-encoded body. */
  readonly json?: unknown;
  /** Raw body text (e.g. malformed JSON). */
  readonly text?: string;
}

/**
 * A deliberately small Daraja client written from providers.md §1 (not the plugin's client), so the
 * emulator's wire format is checked independently of the code it will test.
 */
export class DarajaTestClient {
  constructor(
    readonly emulator: DarajaEmulator,
    readonly options: {
      readonly consumerKey?: string;
      readonly consumerSecret?: string;
      readonly shortcode?: string;
      readonly passkey?: string;
      readonly clock?: () => number;
    } = {},
  ) {}

  get shortcode(): string {
    return this.options.shortcode ?? SANDBOX_SHORTCODE;
  }

  async call(path: string, init: CallInit = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.text !== undefined) {
      headers["content-type"] = "application/json";
      body = init.text;
    }
    const response = await fetch(`${this.emulator.baseUrl}${path}`, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** GET /oauth/v1/generate; `authorization: null` sends no header. */
  async requestToken(
    init: { grantType?: string | null; authorization?: string | null } = {},
  ): Promise<HttpAnswer> {
    const grantType = init.grantType === undefined ? "client_credentials" : init.grantType;
    const query = grantType === null ? "" : `?grant_type=${encodeURIComponent(grantType)}`;
    const authorization =
      init.authorization === undefined
        ? basicAuthorization(
            this.options.consumerKey ?? DEFAULT_CONSUMER_KEY,
            this.options.consumerSecret ?? DEFAULT_CONSUMER_SECRET,
          )
        : init.authorization;
    return this.call(`${DARAJA_PATHS.oauth}${query}`, {
      headers: authorization === null ? {} : { authorization },
    });
  }

  async token(): Promise<string> {
    const answer = await this.requestToken();
    if (answer.status !== 200) throw new Error(`token request failed: ${JSON.stringify(answer)}`);
    return answer.body.access_token as string;
  }

  timestamp(): string {
    return toDarajaTimestamp((this.options.clock ?? Date.now)());
  }

  password(timestamp: string, shortcode = this.shortcode): string {
    return stkPassword(shortcode, this.options.passkey ?? SANDBOX_PASSKEY, timestamp);
  }

  /** A valid processrequest body in the doc sample's shape; `undefined` in overrides deletes a field. */
  pushBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const timestamp = this.timestamp();
    const body: Record<string, unknown> = {
      BusinessShortCode: Number(this.shortcode),
      Password: this.password(timestamp),
      Timestamp: timestamp,
      TransactionType: "CustomerPayBillOnline",
      Amount: 1,
      PartyA: Number(SANDBOX_MSISDN),
      PartyB: Number(this.shortcode),
      PhoneNumber: Number(SANDBOX_MSISDN),
      CallBackURL: "https://shop.example.co.ke/hooks/pay/7f3a9c",
      AccountReference: "ord_4XK2PQ",
      TransactionDesc: "Duka order",
    };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) delete body[key];
      else body[key] = value;
    }
    return body;
  }

  async push(overrides: Record<string, unknown> = {}, token?: string): Promise<HttpAnswer> {
    return this.call(DARAJA_PATHS.stkPush, {
      token: token ?? (await this.token()),
      json: this.pushBody(overrides),
    });
  }

  async query(
    checkoutRequestId: string,
    overrides: Record<string, unknown> = {},
    token?: string,
  ): Promise<HttpAnswer> {
    const timestamp = this.timestamp();
    const body: Record<string, unknown> = {
      BusinessShortCode: this.shortcode,
      Password: this.password(timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: checkoutRequestId,
      ...overrides,
    };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    return this.call(DARAJA_PATHS.stkQuery, { token: token ?? (await this.token()), json: body });
  }
}

export interface Receiver {
  /** The callback URL (a neutral path: Safaricom refuses URLs containing "mpesa" and friends). */
  readonly url: string;
  /** Raw request bodies, in arrival order (to check JSON types exactly). */
  readonly raw: string[];
  /** Parsed bodies. */
  readonly bodies: unknown[];
}

/** A local callback receiver answering `status` (default 200 `{ResultCode:0,ResultDesc:"Accepted"}`). */
export async function startReceiver(status = 200): Promise<Receiver> {
  const raw: string[] = [];
  const bodies: unknown[] = [];
  const app = express();
  app.use(express.text({ type: () => true }));
  app.post("/hooks/pay/:secret", (req, res) => {
    raw.push(req.body as string);
    bodies.push(JSON.parse(req.body as string));
    res.status(status).json({ ResultCode: 0, ResultDesc: "Accepted" });
  });
  return { url: `${await listen(app)}/hooks/pay/s3cr3t`, raw, bodies };
}

/** Distinct valid MSISDNs, so pushes in one test do not lock each other. */
export function msisdn(index: number): string {
  return `2547${String(10_000_000 + index).slice(-8)}`;
}
