import type { InstanceChanges, InstanceHealth, ProviderInstance } from "../../domain/provider-instance.js";
import type { Collection, Filter, ProviderInstanceRepository } from "../types.js";

/** The fields `update` may change; identity, tenant, plugin, health and createdAt are not among them. */
const CHANGEABLE = [
  "displayName",
  "config",
  "secrets",
  "test",
  "active",
  "testMode",
  "priority",
  "source",
] as const;

export function createProviderInstanceRepository(
  instances: Collection<ProviderInstance>,
): ProviderInstanceRepository {
  return {
    create: (instance) => instances.insertOne(instance),
    findById: (id) => instances.findOne({ _id: id }),
    list: (filter = {}) => {
      const query: Filter = {};
      if (filter.tenantId !== undefined) query.tenantId = filter.tenantId;
      if (filter.plugin !== undefined) query.plugin = filter.plugin;
      // _id last only so equal priorities created in the same millisecond keep one order.
      return instances.find(query, { sort: { priority: 1, createdAt: 1, _id: 1 } });
    },
    update: (id, changes) =>
      instances.findOneAndUpdate(
        { _id: id },
        {
          $set: {
            ...changeableOf(changes),
            ...(typeof changes.weight === "number" ? { weight: changes.weight } : {}),
            updatedAt: new Date(),
          },
          // A null weight takes the instance out of its traffic split.
          ...(changes.weight === null ? { $unset: { weight: "" } } : {}),
        },
      ),
    // Health is not a change of the instance's settings, so updatedAt stays.
    setHealth: (id, health, expected) =>
      instances.findOneAndUpdate(
        { _id: id, "health.status": expected },
        { $set: { health: definedOf(health) } },
      ),
    delete: async (id) => (await instances.deleteMany({ _id: id })) > 0,
  };
}

function changeableOf(changes: InstanceChanges): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const field of CHANGEABLE) {
    if (changes[field] !== undefined) set[field] = changes[field];
  }
  return set;
}

/** Both backends leave undefined fields out; the health subdocument is replaced whole. */
function definedOf(health: InstanceHealth): InstanceHealth {
  return Object.fromEntries(
    Object.entries(health).filter(([, value]) => value !== undefined),
  ) as InstanceHealth;
}
