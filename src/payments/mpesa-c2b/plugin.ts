import { ConfigError } from "../../domain/errors.js";
import { formatMoney } from "../../domain/money.js";
import type { PayerRequest } from "../../domain/payment-option.js";
import { assertDarajaOrigin } from "../mpesa/callback.js";
import { createDarajaClient, DEFAULT_TIMEOUT_MS, darajaHealthCheck } from "../mpesa/client.js";
import { toWholeShillings } from "../mpesa/stk.js";
import { type PaymentPlugin, ProviderError, type ReceivedMoney } from "../plugin.js";
import { parseC2bPayload, receivedEvent, toReceivedMoney } from "./callbacks.js";
import { type C2bConfig, c2bConfigSchema, payNumberOf } from "./config.js";
import { c2bEnvironment } from "./environment.js";
import { pullReceived, registerPull } from "./pull.js";
import { registerC2bUrls } from "./register.js";
import { createStatusCheck, parseStatusResult } from "./transaction-status.js";
import { callbackKindOf, callbackUrls } from "./urls.js";
import { validateC2b } from "./validation.js";

/** A Till payment names no order: the payer's number is what matches it (with the amount). */
const TILL_PAYER: PayerRequest = {
  field: "phone",
  prompt: "Which M-Pesa number will you pay from? (It is how we recognise your payment.)",
  promptForOrder: "Which M-Pesa number will you pay {order} from? (It is how we recognise your payment.)",
  invalid: "That is not an M-Pesa number I can use. Send it like 0712 345 678.",
};

/** What the shopper does, in the words of the M-Pesa menu. */
export function payInstructions(config: C2bConfig, orderRef: string, amount: string): string {
  return config.type === "till"
    ? `Buy Goods Till ${payNumberOf(config)}, ${amount}`
    : `Pay Bill ${payNumberOf(config)}, account ${orderRef}, ${amount}`;
}

const STATUS_ACKNOWLEDGED = { ResultCode: 0, ResultDesc: "Accepted" };

function unauthorized(): ProviderError {
  return new ProviderError("unauthorized", "No such Daraja C2B callback path", {
    retryable: false,
    shopperMessage: "",
  });
}

/**
 * M-Pesa Paybill and Till payments (Daraja C2B): the shopper pays from any phone through the SIM
 * menu or *334#; Daraja asks us to validate (when Safaricom enabled it) and confirms each payment
 * to our URLs, and the settle job matches it to the order. Nothing is pushed and nothing can be
 * asked by order: without a transaction id there is no Daraja query (see the README). With an
 * initiator configured, each confirmation is checked with Transaction Status before it settles,
 * and a code a shopper pasted from M-Pesa's SMS can be asked about (`findReceived`).
 */
export function createMpesaC2bPlugin(
  options: { readonly timeoutMs?: number } = {},
): PaymentPlugin<typeof c2bConfigSchema> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  return {
    name: "mpesa-c2b",
    label: "M-Pesa Paybill",
    methods: ["paybill"],
    configSchema: c2bConfigSchema,
    /**
     * `/webhooks/daraja-c2b/<instance id>/<callbackToken>/<confirmation|validation>`: the token
     * authenticates (Daraja signs nothing), a wrong one or an unknown last part is "no such webhook".
     * No forbidden word (mpesa, safaricom, query…) appears in either URL.
     */
    webhook: {
      segment: "daraja-c2b",
      pathParams: ["token", "kind"],
      pathValues: (config) => [config.callbackToken, "confirmation"],
      unauthenticated: "not_found",
      acknowledgement: { ResultCode: 0, ResultDesc: "Success" },
    },
    environment: c2bEnvironment,
    receiptLabel: "M-Pesa transaction",
    // No phone pays a sandbox shortcode: Daraja's simulate stands in for the shopper.
    testInstructions:
      "pay with Daraja's C2B simulate (sandbox) using the account number above, from test number 254708374149.",
    payer: (config) => (config.type === "till" ? TILL_PAYER : undefined),
    create(instance) {
      const { config } = instance;
      const client = createDarajaClient({ config, shared: instance.shared, timeoutMs });
      const webhookUrl = instance.webhookUrl;
      if (!webhookUrl) throw new ConfigError(`M-Pesa C2B instance ${instance.id} has no callback URL`);
      const urls = callbackUrls(webhookUrl);
      const { initiatorName, securityCredential, pullNominatedNumber } = config;
      const statusCheck =
        initiatorName && securityCredential
          ? createStatusCheck({
              client,
              config: { ...config, initiatorName, securityCredential },
              shared: instance.shared,
              urls,
            })
          : undefined;
      const authenticate = (request: Parameters<typeof assertDarajaOrigin>[0]) => {
        assertDarajaOrigin(request, config.callbackToken, config.allowedIps);
        const kind = callbackKindOf(request.params.kind);
        if (!kind) throw unauthorized();
        return kind;
      };
      return {
        async initiate({ payment }) {
          // M-Pesa takes whole shillings: refused here, before the shopper is told to pay.
          toWholeShillings(payment.amount);
          const text = payInstructions(config, payment.orderRef, formatMoney(payment.amount));
          return {
            status: "pending",
            // The account number a Paybill payment carries back: the order reference.
            providerRef: payment.orderRef,
            action: { kind: "instructions", text },
          };
        },
        // Daraja has nothing to ask by order: Transaction Status needs the payer's transaction id.
        verify: async () => ({ outcome: "pending" }),
        async answerWebhook(request, lookup) {
          const kind = authenticate(request);
          if (kind === "validation") {
            const { answer } = await validateC2b(config, parseC2bPayload(request), lookup);
            return { body: answer };
          }
          if (kind === "result") {
            const { transId, result } = parseStatusResult(request);
            await statusCheck?.record(transId, result);
            return { body: STATUS_ACKNOWLEDGED };
          }
          // Daraja's queue timed out the query: the settle job asks again. Pull: we query instead.
          if (kind === "timeout" || kind === "pull") return { body: STATUS_ACKNOWLEDGED };
          return undefined;
        },
        async parseWebhook(request) {
          // Only a confirmation is an event; the other kinds are answered by answerWebhook.
          if (authenticate(request) !== "confirmation") throw unauthorized();
          return receivedEvent(toReceivedMoney(parseC2bPayload(request)));
        },
        ...(statusCheck
          ? {
              confirmReceived: (received: ReceivedMoney) => statusCheck.confirm(received),
              findReceived: (transId: string) => statusCheck.find(transId),
            }
          : {}),
        async registerWebhooks() {
          const registered = await registerC2bUrls(client, config, webhookUrl);
          if (!pullNominatedNumber) return registered;
          const pull = await registerPull(client, { ...config, pullNominatedNumber }, urls.pull).catch(
            (error: unknown) => {
              // The URLs stay registered whatever the pull answer: the operator reads both.
              if (!(error instanceof ProviderError)) throw error;
              throw new ProviderError(error.code, `${registered.message}; ${error.message}`, {
                ...error.options,
                cause: error,
              });
            },
          );
          return { message: `${registered.message}; ${pull.message}` };
        },
        ...(pullNominatedNumber
          ? { pullReceived: (since: Date, until: Date) => pullReceived(client, config, since, until) }
          : {}),
        registersOnStart: config.registerOnStart,
        healthCheck: () => darajaHealthCheck(client),
      };
    },
  };
}

export const mpesaC2bPlugin = createMpesaC2bPlugin();
