import { ORDER_TRANSITIONS, type Order } from "../../domain/order.js";
import type { Collection, Filter, OrderRepository } from "../types.js";
import { transitionOf } from "./transition.js";

const NEWEST_FIRST = { createdAt: -1 } as const;

export function createOrderRepository(orders: Collection<Order>): OrderRepository {
  return {
    create: (order) => orders.insertOne(order),
    findById: (tenantId, id) => orders.findOne({ tenantId, _id: id }),
    findByRef: (tenantId, ref) => orders.findOne({ tenantId, ref }),
    listByCustomer: (tenantId, customer, limit) =>
      orders.find(
        { tenantId, "customer.channel": customer.channel, "customer.chatId": customer.chatId },
        { sort: NEWEST_FIRST, limit },
      ),
    listByStatus: (tenantId, status, limit) => {
      const filter: Filter = status === undefined ? { tenantId } : { tenantId, status };
      return orders.find(filter, { sort: NEWEST_FIRST, limit });
    },
    transition: (tenantId, id, to, changes) => {
      const { filter, update } = transitionOf(ORDER_TRANSITIONS, tenantId, id, to, changes);
      return orders.findOneAndUpdate(filter, update);
    },
    setPayment: (tenantId, id, paymentId) =>
      orders.findOneAndUpdate({ tenantId, _id: id }, { $set: { paymentId, updatedAt: new Date() } }),
  };
}
