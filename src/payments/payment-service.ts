/**
 * The service the shop talks to for payments. It knows methods, not providers: the registry
 * says which instances serve a method, in fallback order; each attempt is recorded on the
 * payment, so a fallback is visible afterwards.
 */
import type { Logger } from "pino";
import { DukaError, DuplicateKeyError } from "../domain/errors.js";
import { deterministicId } from "../domain/ids.js";
import type { Order } from "../domain/order.js";
import type { Payment, PaymentAttempt, PaymentMethod } from "../domain/payment.js";
import type { PayerDetails, PaymentOption } from "../domain/payment-option.js";
import type { RateLimit } from "../domain/rate-limit.js";
import type { Store } from "../store/types.js";
import { ProviderError, type ShopperAction } from "./plugin.js";
import type { ProviderRegistry } from "./registry/types.js";
import type { TrafficRouter } from "./routing/router.js";

export interface PaymentStart {
  readonly payment: Payment;
  /** What the shopper must do next. */
  readonly action: ShopperAction;
}

export interface StartOptions {
  /** What the shopper gave for the provider (the number to charge, an e-mail address). */
  readonly payer: PayerDetails;
  /**
   * Names this attempt (the shopper's message that asked for it): the same key returns the
   * payment it already started; a new key (a retry) starts a new one.
   */
  readonly attemptKey: string;
  /**
   * Only instances that hand the shopper a page (which prompts the phone itself), never one that
   * prompts the phone from here: the way offered after prompts failed to reach it.
   */
  readonly linkOnly?: boolean;
}

export interface PaymentService {
  options(tenantId: string): Promise<PaymentOption[]>;
  start(order: Order, method: PaymentMethod, options: StartOptions): Promise<PaymentStart>;
}

export class PaymentMethodUnavailableError extends DukaError {
  override readonly name = "PaymentMethodUnavailableError";
  constructor(readonly method: PaymentMethod) {
    super("unavailable", "That way of paying is not available right now. Please choose another.");
  }
}

/** Too many prompts to this phone or from this chat lately; the shopper may try after `retryAfterMs`. */
export class PayerPromptsLimitedError extends DukaError {
  override readonly name = "PayerPromptsLimitedError";
  constructor(readonly retryAfterMs: number) {
    super("unavailable", "Too many payment prompts were sent to this number or from this chat lately.");
  }
}

/** The limits on prompts pushed to payers' phones (see PaymentPlugin.promptsPayer). */
export interface PayerPromptLimits {
  readonly perPhone: RateLimit;
  readonly perChat: RateLimit;
}

/** The shopper-facing words for an action, for replies that carry plain text. */
export function describeAction(action: ShopperAction): string {
  return action.kind === "link" ? `${action.label}: ${action.url}` : action.text;
}

export function createPaymentService(deps: {
  store: Store;
  registry: ProviderRegistry;
  /** Told about every payment left pending by its provider (reconciliation schedules its checks). */
  onPending: (payment: Payment) => Promise<void>;
  /** Counted before each initiation that prompts the payer's phone; unset: no limit. */
  payerPrompts?: PayerPromptLimits;
  /** Picks the first instance where instances split a method's traffic by weight; unset: priority order. */
  router?: TrafficRouter;
  logger: Logger;
}): PaymentService {
  const { store, registry, logger } = deps;

  /** Takes one prompt from the phone's and the chat's allowance, or throws when either is spent. */
  async function takePayerPrompt(order: Order, payer: PayerDetails): Promise<void> {
    if (!deps.payerPrompts) return;
    const { channel, chatId } = order.customer;
    const verdicts = await Promise.all([
      deps.payerPrompts.perChat.take(`${order.tenantId}:${channel}:${chatId}`),
      ...(payer.phone ? [deps.payerPrompts.perPhone.take(payer.phone)] : []),
    ]);
    const refused = verdicts.filter((verdict) => !verdict.allowed);
    if (refused.length === 0) return;
    logger.warn({ orderRef: order.ref, channel }, "payer prompt refused: too many lately");
    throw new PayerPromptsLimitedError(Math.max(...refused.map((verdict) => verdict.retryAfterMs)));
  }

  async function remember(order: Order, payment: Payment): Promise<Payment> {
    try {
      await store.payments.create(payment);
    } catch (error) {
      // A concurrent start of the same order and method stored its payment first: use that one.
      if (!(error instanceof DuplicateKeyError)) throw error;
      return (await store.payments.findById(order.tenantId, payment._id))!;
    }
    return payment;
  }

  return {
    options: (tenantId) => registry.options(tenantId),

    async start(order, method, options) {
      const id = deterministicId("pay", order._id, method, options.attemptKey);
      let payment = await store.payments.findById(order.tenantId, id);
      if (!payment?.action) {
        const candidates = (await registry.candidates(order.tenantId, method)).filter(
          (candidate) => !options.linkOnly || !candidate.plugin.promptsPayer,
        );
        if (candidates.length === 0) throw new PaymentMethodUnavailableError(method);
        const route = deps.router ? await deps.router.route(order, method, candidates) : { candidates };
        const attempts: PaymentAttempt[] = [];
        let lastError: ProviderError | undefined;
        let prompted = false;
        for (const { instance, plugin, client } of route.candidates) {
          // A fallback to another prompting instance is the same prompt to the shopper: count it once.
          if (plugin.promptsPayer && !prompted) {
            await takePayerPrompt(order, options.payer);
            prompted = true;
          }
          const now = new Date();
          const draft: Payment = {
            _id: id,
            tenantId: order.tenantId,
            orderId: order._id,
            orderRef: order.ref,
            method,
            provider: plugin.name,
            instanceId: instance._id,
            amount: order.total,
            status: "pending",
            // Kept for matching money the payer sends unasked (a Till payment names no order).
            ...(options.payer.phone ? { payerPhone: options.payer.phone } : {}),
            // The registry built `client` from this mode's credentials.
            ...(instance.testMode ? { testMode: true } : {}),
            createdAt: now,
            updatedAt: now,
            ...(route.routing ? { routing: route.routing } : {}),
          };
          try {
            const result = await client.initiate({
              payment: draft,
              order,
              customer: order.customer,
              payer: options.payer,
            });
            attempts.push({ instanceId: instance._id, plugin: plugin.name, at: new Date(), ok: true });
            payment = await remember(order, {
              ...draft,
              status: result.status,
              action: result.action,
              attempts,
              ...(result.providerRef ? { providerRef: result.providerRef } : {}),
            });
            break;
          } catch (error) {
            if (!(error instanceof ProviderError)) throw error;
            attempts.push({
              instanceId: instance._id,
              plugin: plugin.name,
              at: new Date(),
              ok: false,
              error: {
                code: error.code,
                ...(error.providerCode ? { providerCode: error.providerCode } : {}),
                message: error.message,
              },
            });
            logger.warn(
              { orderRef: order.ref, instanceId: instance._id, err: error },
              "payment initiation failed",
            );
            lastError = error;
            if (!error.retryable) throw error;
          }
        }
        if (!payment?.action) throw lastError ?? new PaymentMethodUnavailableError(method);
        if (payment.status === "pending") await deps.onPending(payment);
        if (attempts.length > 1) {
          logger.warn(
            { orderRef: order.ref, attempts: attempts.length },
            "payment initiated through a fallback instance",
          );
        }
      }
      if (order.paymentId !== payment._id)
        await store.orders.setPayment(order.tenantId, order._id, payment._id);
      return { payment, action: payment.action! };
    },
  };
}
