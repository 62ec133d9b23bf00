/**
 * The scheduled pull on its own, with fake instances and clients: which instances are asked, the
 * window each is asked for (from the watermark, with the overlap), every event recorded for its own
 * instance and tenant, and a failure that pulls the same window again next time.
 */
import { describe, expect, it } from "vitest";
import { money } from "../../../src/domain/money.js";
import type { ProviderInstance } from "../../../src/domain/provider-instance.js";
import type { ProviderClient, SharedCache, WebhookEvent } from "../../../src/payments/plugin.js";
import { PULL_OVERLAP_MS, pullReceivedTask } from "../../../src/payments/pull-received.js";
import type { ManagedProviderRegistry } from "../../../src/payments/registry/registry.js";
import type { Store } from "../../../src/store/types.js";
import { logger } from "./harness.js";

const instance = (id: string, tenantId: string, active = true) =>
  ({ _id: id, tenantId, plugin: "mpesa-c2b", active }) as unknown as ProviderInstance;

const event = (transId: string): WebhookEvent => ({
  eventKey: `c2b:${transId}`,
  outcome: "succeeded",
  amount: money(6000, "KES"),
  receipt: transId,
  received: { transId, amount: money(6000, "KES"), paidAt: new Date("2026-12-05T06:00:00Z") },
});

function setup(clients: Record<string, Partial<ProviderClient>>, instances: ProviderInstance[]) {
  let now = new Date("2026-12-05T07:00:00Z");
  const caches = new Map<string, Map<string, string>>();
  const sharedOf = (id: string): SharedCache => {
    const cache = caches.get(id) ?? new Map<string, string>();
    caches.set(id, cache);
    return {
      get: async (key) => cache.get(key) ?? null,
      set: async (key, value) => void cache.set(key, value),
      withLock: (_key, _ttl, task) => task(),
    };
  };
  const recorded: { instanceId: string; tenantId: string; eventKey: string }[] = [];
  const task = pullReceivedTask({
    store: { providers: { list: async () => instances } } as unknown as Store,
    registry: { client: (of: ProviderInstance) => clients[of._id] } as unknown as ManagedProviderRegistry,
    recordEvent: async (of, pulled) => {
      recorded.push({ instanceId: of._id, tenantId: of.tenantId, eventKey: pulled.eventKey });
    },
    sharedOf,
    everyMs: 600_000,
    logger,
    now: () => now,
  });
  return { task, recorded, setNow: (at: Date) => (now = at) };
}

describe("the scheduled pull", () => {
  it("asks each active instance that can pull, first as far back as it keeps, then from its last pull less the overlap", async () => {
    const windows: [Date, Date][] = [];
    const paybill = {
      pullReceived: async (since: Date, until: Date) => {
        windows.push([since, until]);
        return [event("UL3XDEMO7Q")];
      },
    };
    const other = { pullReceived: async () => [event("UL3XOTHER1")] };
    const { task, recorded, setNow } = setup(
      { a: paybill, b: other, c: { pullReceived: async () => [event("NEVER00001")] }, d: {} },
      [instance("a", "t1"), instance("b", "t2"), instance("c", "t1", false), instance("d", "t1")],
    );
    await task.run();
    expect(windows).toEqual([[new Date(0), new Date("2026-12-05T07:00:00Z")]]);
    expect(recorded).toEqual([
      { instanceId: "a", tenantId: "t1", eventKey: "c2b:UL3XDEMO7Q" },
      { instanceId: "b", tenantId: "t2", eventKey: "c2b:UL3XOTHER1" },
    ]);

    setNow(new Date("2026-12-05T07:10:00Z"));
    await task.run();
    expect(windows[1]).toEqual([
      new Date(Date.parse("2026-12-05T07:00:00Z") - PULL_OVERLAP_MS),
      new Date("2026-12-05T07:10:00Z"),
    ]);
  });

  it("pulls the same window again after a failure, and one instance failing does not stop the others", async () => {
    const windows: Date[] = [];
    let failing = true;
    const flaky = {
      pullReceived: async (since: Date) => {
        windows.push(since);
        if (failing) throw new Error("Daraja is down");
        return [];
      },
    };
    const { task, recorded, setNow } = setup(
      { a: flaky, b: { pullReceived: async () => [event("UL3XOTHER1")] } },
      [instance("a", "t1"), instance("b", "t1")],
    );
    await task.run();
    expect(recorded.map((entry) => entry.instanceId)).toEqual(["b"]);
    failing = false;
    setNow(new Date("2026-12-05T07:10:00Z"));
    await task.run();
    expect(windows).toEqual([new Date(0), new Date(0)]);
  });
});
