/**
 * The service the shop talks to for payments. It knows methods, not providers: today the
 * manual transfer; provider plugins (M-Pesa, Paystack) register behind the same calls.
 */
import type { PaymentOption } from "../conversations/types.js";
import { deterministicId } from "../domain/ids.js";
import type { Order } from "../domain/order.js";
import type { Payment, PaymentMethod } from "../domain/payment.js";
import type { Store } from "../store/types.js";

export interface PaymentStart {
  readonly payment: Payment;
  /** What the shopper must do next, in words. */
  readonly instructions: string;
}

/** One way to pay, as the shop offers it. */
export interface PaymentMethodHandler {
  readonly option: PaymentOption;
  /** The payment record to create for `order` (no I/O: the service stores it). */
  createPayment(order: Order, id: string, now: Date): Payment;
  instructions(order: Order): string;
}

export interface PaymentService {
  options(tenantId: string): Promise<PaymentOption[]>;
  /** Idempotent per order: a second call returns the payment the first one created. */
  start(order: Order, method: PaymentMethod): Promise<PaymentStart>;
}

export class PaymentMethodUnavailableError extends Error {
  override readonly name = "PaymentMethodUnavailableError";
  constructor(readonly method: PaymentMethod) {
    super("That way of paying is not available right now. Please choose another.");
  }
}

export function createPaymentService(deps: {
  store: Store;
  methods: readonly PaymentMethodHandler[];
}): PaymentService {
  const byMethod = new Map(deps.methods.map((handler) => [handler.option.method, handler]));
  return {
    async options() {
      return deps.methods.map((handler) => handler.option);
    },
    async start(order, method) {
      const handler = byMethod.get(method);
      if (!handler) throw new PaymentMethodUnavailableError(method);
      const id = deterministicId("pay", order._id, method);
      let payment = await deps.store.payments.findById(order.tenantId, id);
      if (!payment) {
        payment = handler.createPayment(order, id, new Date());
        await deps.store.payments.create(payment).catch(async (error: unknown) => {
          // A concurrent start created it first: use theirs.
          if (!(await deps.store.payments.findById(order.tenantId, id))) throw error;
        });
      }
      if (order.paymentId !== id) await deps.store.orders.setPayment(order.tenantId, order._id, id);
      return { payment, instructions: handler.instructions(order) };
    },
  };
}
