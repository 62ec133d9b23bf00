/**
 * Verify before value (providers-2.md §3.7): a confirmation's TransID is asked about with Daraja's
 * Transaction Status query, whose answer only acknowledges; the result arrives later at our result
 * URL. The result is kept in the instance's shared cache, where the settle job (retrying with
 * backoff while it waits) reads it. Needs the portal's API initiator and its security credential.
 */
import { z } from "zod";
import { equals, formatMoney, fromMajor } from "../../domain/money.js";
import type { DarajaClient } from "../mpesa/client.js";
import { UNAVAILABLE } from "../mpesa/errors.js";
import { ProviderError, type ReceivedMoney, type SharedCache, type WebhookRequest } from "../plugin.js";
import { kenyaTimeOf } from "./callbacks.js";
import type { C2bConfig } from "./config.js";
import type { callbackUrls } from "./urls.js";

export const TRANSACTION_STATUS_PATH = "/mpesa/transactionstatus/v1/query";
/** How long a result is kept, and how long to wait for one before asking again. */
const RESULT_TTL_MS = 24 * 60 * 60 * 1000;
const ASK_AGAIN_AFTER_MS = 60_000;

const parameterSchema = z.object({ Key: z.string(), Value: z.unknown().optional() });

/** The result POSTed to the result URL; unknown extra fields are ignored. */
const resultSchema = z.object({
  Result: z.object({
    ResultCode: z.union([z.number(), z.string()]),
    ResultDesc: z.string().optional(),
    TransactionID: z.string().min(1),
    ResultParameters: z
      .object({ ResultParameter: z.union([z.array(parameterSchema), parameterSchema]) })
      .optional(),
  }),
});

/** What Daraja said about one transaction. */
interface StatusResult {
  readonly completed: boolean;
  /** Whole shillings, when given. */
  readonly amount?: number;
  readonly reason: string;
  /** `DebitPartyName`'s parts ("254712345678 - JANE"): who paid. */
  readonly msisdn?: string;
  readonly payerName?: string;
  /** `FinalisedTime` (Kenya time), as ISO text: when the money moved. */
  readonly finishedAt?: string;
}

/** `DebitPartyName` as Daraja writes it: "<number> - <NAME>". */
function payerOf(debitParty: unknown): Pick<StatusResult, "msisdn" | "payerName"> {
  const [number = "", ...name] = String(debitParty ?? "").split(" - ");
  const msisdn = number.trim();
  const payerName = name.join(" - ").trim();
  return { ...(msisdn ? { msisdn } : {}), ...(payerName ? { payerName } : {}) };
}

const resultKey = (transId: string) => `status:${transId.toUpperCase()}`;
const askedKey = (transId: string) => `status-asked:${transId.toUpperCase()}`;

/** Reads a Transaction Status result; a body that is not one is malformed. */
export function parseStatusResult(request: WebhookRequest): { transId: string; result: StatusResult } {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString("utf8"));
  } catch (error) {
    throw new ProviderError("malformed", "The Transaction Status result is not JSON", {
      retryable: false,
      shopperMessage: "",
      cause: error,
    });
  }
  const parsed = resultSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(
      "malformed",
      `Not a Transaction Status result: ${z.prettifyError(parsed.error)}`,
      {
        retryable: false,
        shopperMessage: "",
      },
    );
  }
  const { Result } = parsed.data;
  const raw = Result.ResultParameters?.ResultParameter;
  const parameters = new Map(
    (Array.isArray(raw) ? raw : raw ? [raw] : []).map((item) => [item.Key, item.Value]),
  );
  const status = String(parameters.get("TransactionStatus") ?? "");
  const amount = Number(parameters.get("Amount"));
  const completed = String(Result.ResultCode) === "0" && status === "Completed";
  const finishedAt = kenyaTimeOf(String(parameters.get("FinalisedTime") ?? ""));
  return {
    transId: Result.TransactionID,
    result: {
      completed,
      ...(Number.isFinite(amount) && amount > 0 ? { amount } : {}),
      reason: completed ? "Completed" : `${Result.ResultCode} ${Result.ResultDesc ?? status}`.trim(),
      ...payerOf(parameters.get("DebitPartyName")),
      ...(finishedAt ? { finishedAt: finishedAt.toISOString() } : {}),
    },
  };
}

export function createStatusCheck(deps: {
  client: DarajaClient;
  config: C2bConfig & { initiatorName: string; securityCredential: string };
  shared: SharedCache;
  urls: ReturnType<typeof callbackUrls>;
}) {
  const { client, config, shared, urls } = deps;

  /** The stored result, or asks Daraja (at most once a minute) and null until the result is in. */
  async function resultOf(transId: string, occasion: string): Promise<StatusResult | null> {
    const stored = await shared.get(resultKey(transId));
    if (stored !== null) return JSON.parse(stored) as StatusResult;
    if ((await shared.get(askedKey(transId))) === null) {
      await ask(transId, occasion);
      await shared.set(askedKey(transId), "1", ASK_AGAIN_AFTER_MS);
    }
    return null;
  }

  async function ask(transId: string, occasion: string): Promise<void> {
    const answer = await client.post(
      TRANSACTION_STATUS_PATH,
      {
        Initiator: config.initiatorName,
        SecurityCredential: config.securityCredential,
        CommandID: "TransactionStatusQuery",
        TransactionID: transId,
        PartyA: config.shortcode,
        IdentifierType: "4",
        ResultURL: urls.result,
        QueueTimeOutURL: urls.timeout,
        Remarks: "Payment check",
        Occasion: occasion.slice(0, 100),
      },
      "Transaction Status",
    );
    if (!answer.ok) {
      const { status, error } = answer.failure;
      throw new ProviderError(
        "unavailable",
        `Daraja refused the Transaction Status query: HTTP ${status} ${error?.errorCode ?? ""} ${error?.errorMessage ?? ""}`.trim(),
        { retryable: true, shopperMessage: UNAVAILABLE, ...(error ? { providerCode: error.errorCode } : {}) },
      );
    }
  }

  return {
    /** Keeps a result for the settle job. */
    async record(transId: string, result: StatusResult): Promise<void> {
      await shared.set(resultKey(transId), JSON.stringify(result), RESULT_TTL_MS);
    },

    /** Confirmed or refuted once the result is in; until then asks (at most once a minute): pending. */
    async confirm(
      received: ReceivedMoney,
    ): Promise<{ outcome: "confirmed" | "pending" | "refuted"; reason?: string }> {
      const result = await resultOf(received.transId, received.account ?? "");
      if (!result) return { outcome: "pending" };
      if (!result.completed) return { outcome: "refuted", reason: `Daraja says ${result.reason}` };
      if (result.amount !== undefined && !equals(fromMajor(result.amount, "KES"), received.amount)) {
        return {
          outcome: "refuted",
          reason: `Daraja says KES ${result.amount} was paid, the confirmation said ${formatMoney(received.amount)}`,
        };
      }
      return { outcome: "confirmed" };
    },

    /**
     * A transaction known by its id alone (a pasted code): the money Daraja reports, once the
     * result is in. Without an amount it is no money we could count.
     */
    async find(
      transId: string,
    ): Promise<
      | { outcome: "found"; received: ReceivedMoney }
      | { outcome: "pending" }
      | { outcome: "not_found"; reason: string }
    > {
      const result = await resultOf(transId, "");
      if (!result) return { outcome: "pending" };
      if (!result.completed || result.amount === undefined) {
        return { outcome: "not_found", reason: `Daraja says ${result.reason}` };
      }
      return {
        outcome: "found",
        received: {
          transId: transId.toUpperCase(),
          amount: fromMajor(result.amount, "KES"),
          // Daraja may leave the time out: the moment we learnt of it stands in.
          paidAt: result.finishedAt ? new Date(result.finishedAt) : new Date(),
          ...(result.msisdn ? { msisdn: result.msisdn } : {}),
          ...(result.payerName ? { payerName: result.payerName } : {}),
        },
      };
    },
  };
}
