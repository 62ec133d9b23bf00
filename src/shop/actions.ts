import type { ProofIntake } from "../payments/manual/proof-intake.js";
import type { ActionPerformer } from "./conversation-runner.js";
import type { OrderService } from "./orders.js";

/** Maps the dialogue machine's actions onto the services that carry them out. */
export function createActionPerformer(deps: {
  tenantId: string;
  orders: OrderService;
  proofs: Pick<ProofIntake, "submit" | "submitSms">;
}): ActionPerformer {
  return async (action, from, key) => {
    switch (action.kind) {
      case "place_order":
        return deps.orders.place(from, action.lines, action.method, { key, payer: action.payer });
      case "pay_order":
        return deps.orders.pay(from, action.orderRef, action.method, {
          key,
          payer: action.payer,
          ...(action.linkOnly ? { linkOnly: true } : {}),
        });
      case "submit_proof":
        return deps.proofs.submit({
          tenantId: deps.tenantId,
          from,
          orderRef: action.orderRef,
          media: action.media,
          key,
        });
      case "submit_sms_proof":
        return deps.proofs.submitSms({
          tenantId: deps.tenantId,
          from,
          orderRef: action.orderRef,
          sms: action.sms,
          key,
        });
      case "list_orders":
        return deps.orders.list(from);
      case "cancel_order":
        return deps.orders.cancel(from, action.orderRef);
    }
  };
}
