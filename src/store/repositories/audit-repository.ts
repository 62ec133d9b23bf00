import type { AuditEntry } from "../../domain/audit.js";
import type { AuditRepository, Collection, Filter } from "../types.js";

export function createAuditRepository(audit: Collection<AuditEntry>): AuditRepository {
  return {
    append: (entry) => audit.insertOne(entry),
    list: (tenantId, { orderRef, action }, limit) => {
      const filter: Filter = { tenantId };
      if (orderRef !== undefined) filter.orderRef = orderRef;
      if (action !== undefined) filter.action = action;
      return audit.find(filter, { sort: { at: -1 }, limit });
    },
  };
}
