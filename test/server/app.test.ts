import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/index.js";
import { createHttpApp, type ReadinessCheck } from "../../src/server/app.js";
import { createMetrics } from "../../src/server/metrics.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(readiness: Record<string, ReadinessCheck>): Promise<string> {
  const app = createHttpApp({
    logger: createLogger({ level: "silent" }),
    metrics: createMetrics(),
    readiness,
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

const healthy: ReadinessCheck = async () => null;

describe("HTTP app", () => {
  it("answers liveness without asking anything", async () => {
    const base = await serve({ redis: async () => "down" });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready when every check passes", async () => {
    const base = await serve({ redis: healthy, store: healthy });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { redis: { ok: true }, store: { ok: true } },
    });
  });

  it("says which dependency is down, and why, with a 503", async () => {
    const base = await serve({
      redis: healthy,
      store: async () => {
        throw new Error("connection refused");
      },
      telegram: async () => "Telegram Bot API unreachable",
    });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "not_ready",
      checks: {
        redis: { ok: true },
        store: { ok: false, problem: "connection refused" },
        telegram: { ok: false, problem: "Telegram Bot API unreachable" },
      },
    });
  });

  it("serves Prometheus metrics", async () => {
    const base = await serve({});
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("duka_inbound_messages_total");
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const base = await serve({});
    const response = await fetch(`${base}/nope`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No route POST /nope" } });
  });
});
