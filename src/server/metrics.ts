import { Counter, collectDefaultMetrics, Registry } from "prom-client";

/** One registry per process, so tests that build several apps do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    inbound: new Counter({
      name: "duka_inbound_messages_total",
      help: "Chat messages received, by channel",
      labelNames: ["channel"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
