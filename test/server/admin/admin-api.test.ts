import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { joinConfig } from "../../../src/payments/registry/instance-config.js";
import {
  type Harness,
  HEALTH_TIMEOUT_MS,
  PUBLIC_URL,
  startHarness,
  TENANT,
  testpayPlugin,
} from "./harness.js";

const LIVE_KEY = "sk_live_9f8e7d6c5b4a3f2e1d0c1234";
const NEW_KEY = "sk_live_0a1b2c3d4e5f6a7b8c9d5678";

const testpay = (overrides: Record<string, unknown> = {}) => ({
  plugin: "testpay",
  displayName: "TestPay main",
  config: { apiKey: LIVE_KEY, merchantCode: "M-001" },
  ...overrides,
});

const manual = (overrides: Record<string, unknown> = {}) => ({
  plugin: "manual",
  displayName: "Bank transfer",
  config: { instructions: "Pay to Till 123456, then send a photo of the receipt." },
  ...overrides,
});

interface JsonSchema {
  type?: string;
  required?: string[];
  properties: Record<string, Record<string, unknown>>;
}

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

async function create(body: Record<string, unknown>): Promise<{ id: string; [key: string]: unknown }> {
  const response = await h.call("POST", "/providers", { body });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

async function listIds(): Promise<string[]> {
  const response = await h.call("GET", "/providers");
  expect(response.status).toBe(200);
  const body = (await response.json()) as { id: string }[];
  return body.map((provider) => provider.id);
}

async function auditOf(id: string) {
  return (await h.store.audit.list(TENANT, {}, 100)).filter((entry) => entry.subjectId === id).reverse();
}

describe("admin API: authentication", () => {
  const attempts: [method: string, path: (id: string) => string, body?: unknown][] = [
    ["GET", () => "/providers"],
    ["POST", () => "/providers", manual({ displayName: "Sneaky" })],
    ["PATCH", (id) => `/providers/${id}`, { active: false }],
    ["DELETE", (id) => `/providers/${id}`],
    ["POST", (id) => `/providers/${id}/deactivate`],
    ["POST", (id) => `/providers/${id}/health`],
    ["GET", () => "/plugins"],
    ["GET", () => "/no-such-route"],
  ];

  it("answers 401 with WWW-Authenticate: Bearer without a token, and changes nothing", async () => {
    const { id } = await create(manual());
    const before = await h.call("GET", `/providers/${id}`).then((response) => response.text());
    const published = h.feed.published.length;
    for (const [method, path, body] of attempts) {
      for (const authorization of [null, `Basic ${Buffer.from("admin:x").toString("base64")}`, "Bearer"]) {
        const response = await h.call(method, path(id), { body, authorization });
        expect(response.status, `${method} ${path(id)} with ${authorization}`).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
        expect(((await response.json()) as ErrorBody).error.code).toBe("unauthorized");
      }
    }
    expect(await listIds()).toEqual([id]);
    expect(await h.call("GET", `/providers/${id}`).then((response) => response.text())).toBe(before);
    expect(h.feed.published).toHaveLength(published);
    expect(await auditOf(id)).toHaveLength(1);
  });

  it("answers 403 to a wrong token, and changes nothing", async () => {
    const { id } = await create(manual());
    const before = await h.call("GET", `/providers/${id}`).then((response) => response.text());
    const published = h.feed.published.length;
    for (const [method, path, body] of attempts) {
      for (const token of [
        "wrong",
        `${"admin-token-for-tests-0123456789"}x`,
        "admin-token-for-tests-012345678",
      ]) {
        const response = await h.call(method, path(id), { body, authorization: `Bearer ${token}` });
        expect(response.status, `${method} ${path(id)}`).toBe(403);
        expect(((await response.json()) as ErrorBody).error.code).toBe("forbidden");
      }
    }
    expect(await listIds()).toEqual([id]);
    expect(await h.call("GET", `/providers/${id}`).then((response) => response.text())).toBe(before);
    expect(h.feed.published).toHaveLength(published);
    expect(await auditOf(id)).toHaveLength(1);
  });

  it("checks the token before reading the body", async () => {
    const response = await h.call("POST", "/providers", { body: "{not json", authorization: "Bearer wrong" });
    expect(response.status).toBe(403);
  });

  it("accepts the scheme in any case", async () => {
    const response = await h.call("GET", "/providers", {
      authorization: "bearer admin-token-for-tests-0123456789",
    });
    expect(response.status).toBe(200);
  });
});

describe("admin API: refused input", () => {
  it("answers malformed JSON with 400 and the JSON error shape", async () => {
    const response = await h.call("POST", "/providers", { body: '{"plugin": "manual",' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe("bad_request");
    expect(await listIds()).toEqual([]);
  });

  it("answers a body without a JSON content type with 400", async () => {
    const response = await fetch(`${h.base}/admin/api/providers`, {
      method: "POST",
      headers: { authorization: "Bearer admin-token-for-tests-0123456789", "content-type": "text/plain" },
      body: JSON.stringify(manual()),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain("application/json");
  });

  it("answers a body over 32 kB with 413", async () => {
    const response = await h.call("POST", "/providers", {
      body: manual({ config: { instructions: "x".repeat(40 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await listIds()).toEqual([]);
  });

  it("refuses unknown fields with 422, naming each", async () => {
    const response = await h.call("POST", "/providers", { body: manual({ tenant: "x", enabled: true }) });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid");
    expect(body.error.message).toContain("tenant");
    expect(body.error.message).toContain("enabled");
    expect(body.error.issues?.map((issue) => issue.path).sort()).toEqual(["enabled", "tenant"]);
    expect(await listIds()).toEqual([]);
  });

  it("refuses __proto__ and constructor keys anywhere, and nothing is polluted", async () => {
    const bodies = [
      '{"plugin":"manual","displayName":"P","config":{"instructions":"Pay","__proto__":{"polluted":true}}}',
      '{"plugin":"manual","displayName":"P","config":{"instructions":"Pay"},"__proto__":{"polluted":true}}',
      '{"plugin":"manual","displayName":"P","config":{"instructions":"Pay","constructor":{"prototype":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const response = await h.call("POST", "/providers", { body });
      expect(response.status, body).toBe(422);
      const issues = ((await response.json()) as ErrorBody).error.issues ?? [];
      expect(issues.some((issue) => /__proto__|constructor/.test(issue.path))).toBe(true);
    }
    const { id } = await create(manual());
    const patch = await h.call("PATCH", `/providers/${id}`, {
      body: '{"config":{"__proto__":{"polluted":true}}}',
    });
    expect(patch.status).toBe(422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await listIds()).toEqual([id]);
  });

  it("refuses an unknown plugin with 422, listing the registered ones", async () => {
    const response = await h.call("POST", "/providers", { body: manual({ plugin: "stripe" }) });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.message).toBe('Unknown plugin "stripe", registered: manual, testpay, testcard');
    expect(await listIds()).toEqual([]);
  });

  it("refuses an invalid config with 422 and the issue paths, never echoing the secret", async () => {
    const badKey = "pk_live_SECRETVALUE_do_not_echo";
    const response = await h.call("POST", "/providers", {
      body: testpay({ config: { apiKey: badKey, region: "mars" } }),
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain(badKey);
    expect(text).not.toContain("SECRETVALUE");
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.code).toBe("invalid");
    expect(body.error.issues?.map((issue) => issue.path).sort()).toEqual([
      "config.apiKey",
      "config.merchantCode",
      "config.region",
    ]);
    expect(await listIds()).toEqual([]);
    expect(await h.disk()).not.toContain("SECRETVALUE");
  });

  it("refuses config fields the plugin does not know", async () => {
    const response = await h.call("POST", "/providers", {
      body: testpay({ config: { apiKey: LIVE_KEY, merchantCode: "M", apiSecret: "x" } }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.issues?.map((issue) => issue.path)).toContain("config.apiSecret");
  });

  it("refuses a duplicate display name in the tenant with 409, but allows it in another tenant", async () => {
    await create(manual());
    const again = await h.call("POST", "/providers", { body: testpay({ displayName: "Bank transfer" }) });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe("conflict");
    await create(manual({ tenantId: "other" }));
    expect(await listIds()).toHaveLength(2);
  });

  it("refuses renaming onto a taken display name with 409", async () => {
    await create(manual());
    const { id } = await create(testpay());
    const response = await h.call("PATCH", `/providers/${id}`, { body: { displayName: "Bank transfer" } });
    expect(response.status).toBe(409);
    const stored = await h.store.providers.findById(id);
    expect(stored?.displayName).toBe("TestPay main");
  });

  it("refuses bad field values and an empty PATCH with 422", async () => {
    const { id } = await create(manual());
    for (const body of [{}, { priority: 1.5 }, { priority: -1 }, { active: "yes" }, { displayName: "  " }]) {
      const response = await h.call("PATCH", `/providers/${id}`, { body });
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    expect(h.feed.published).toEqual([TENANT]);
  });

  it("answers 404 for an unknown id on every instance route", async () => {
    const cases: [string, string, unknown?][] = [
      ["GET", "/providers/pi_nope"],
      ["PATCH", "/providers/pi_nope", { active: false }],
      ["DELETE", "/providers/pi_nope"],
      ["POST", "/providers/pi_nope/health"],
      ["POST", "/providers/pi_nope/activate"],
      ["POST", "/providers/pi_nope/deactivate"],
    ];
    for (const [method, path, body] of cases) {
      const response = await h.call(method, path, { body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe("not_found");
    }
    expect(h.feed.published).toEqual([]);
  });

  it("answers 404 in the JSON shape for unknown routes under the base", async () => {
    const response = await h.call("GET", "/providerz");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: "No route GET /admin/api/providerz" },
    });
  });

  it("refuses unknown query parameters", async () => {
    const response = await h.call("GET", "/providers?tenant=x");
    expect(response.status).toBe(422);
  });
});

describe("admin API: provider instances", () => {
  it("creates an instance with defaults, a Location and a masked secret", async () => {
    const response = await h.call("POST", "/providers", { body: testpay() });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(LIVE_KEY);
    const view = JSON.parse(text) as Record<string, unknown> & { id: string };
    expect(view.id).toMatch(/^pi_[0-9a-f]{24}$/);
    expect(response.headers.get("location")).toBe(`/admin/api/providers/${view.id}`);
    expect(view).toMatchObject({
      tenantId: TENANT,
      plugin: "testpay",
      displayName: "TestPay main",
      active: true,
      testMode: false,
      priority: 100,
      health: { status: "unknown" },
      webhookUrl: `${PUBLIC_URL}/webhooks/testpay/${view.id}`,
      // What was given, as stored: defaults apply when the config is joined.
      config: { merchantCode: "M-001" },
    });
    expect(view.config).not.toHaveProperty("apiKey");
    const masked = (view.secrets as Record<string, string>).apiKey!;
    expect(masked).toMatch(/^sk_live_.*1234$/);
    expect(masked).not.toContain("9f8e7d6c5b4a");
  });

  it("lists instances with masked secrets and never stores or shows the plaintext", async () => {
    const created = await create(testpay({ priority: 5, testMode: true }));
    const bank = await create(manual());
    const response = await h.call("GET", "/providers");
    const text = await response.text();
    expect(text).not.toContain(LIVE_KEY);
    const providers = JSON.parse(text) as Record<string, unknown>[];
    expect(providers.map((provider) => provider.id)).toEqual([created.id, bank.id]);
    for (const provider of providers) {
      for (const field of [
        "id",
        "plugin",
        "displayName",
        "active",
        "testMode",
        "priority",
        "health",
        "webhookUrl",
      ]) {
        expect(provider).toHaveProperty(field);
      }
    }
    expect(providers[0]).toMatchObject({
      priority: 5,
      testMode: true,
      secrets: { apiKey: expect.stringMatching(/1234$/) },
    });
    expect(providers[1]).toMatchObject({ webhookUrl: null, secrets: {} });

    const stored = await h.store.providers.findById(created.id);
    expect(JSON.stringify(stored)).not.toContain(LIVE_KEY);
    expect(stored?.secrets.apiKey).toHaveProperty("keyId", h.box.keyId);
    expect(await h.disk()).toContain(created.id);
    expect(await h.disk()).not.toContain(LIVE_KEY);
    // The stored value is a real encryption of the key.
    expect(joinConfig(h.box, testpayPlugin.configSchema, stored!).apiKey).toBe(LIVE_KEY);
  });

  it("filters the list by tenant", async () => {
    const mine = await create(manual());
    const theirs = await create(manual({ tenantId: "other" }));
    const other = await h.call("GET", "/providers?tenantId=other");
    expect(((await other.json()) as { id: string }[]).map((p) => p.id)).toEqual([theirs.id]);
    expect(await listIds()).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(h.feed.published).toEqual([TENANT, "other"]);
  });

  it("PATCH without the secret keeps it; with a new one replaces it", async () => {
    const { id } = await create(testpay());
    const regionOnly = await h.call("PATCH", `/providers/${id}`, { body: { config: { region: "us" } } });
    expect(regionOnly.status).toBe(200);
    let stored = (await h.store.providers.findById(id))!;
    expect(joinConfig(h.box, testpayPlugin.configSchema, stored)).toEqual({
      apiKey: LIVE_KEY,
      region: "us",
      merchantCode: "M-001",
    });

    const newKey = await h.call("PATCH", `/providers/${id}`, { body: { config: { apiKey: NEW_KEY } } });
    expect(newKey.status).toBe(200);
    const text = await newKey.text();
    expect(text).not.toContain(NEW_KEY);
    expect((JSON.parse(text) as { secrets: { apiKey: string } }).secrets.apiKey).toMatch(/5678$/);
    stored = (await h.store.providers.findById(id))!;
    expect(joinConfig(h.box, testpayPlugin.configSchema, stored)).toEqual({
      apiKey: NEW_KEY,
      region: "us",
      merchantCode: "M-001",
    });
    expect(JSON.stringify(stored)).not.toContain(NEW_KEY);
    expect(await h.disk()).not.toContain(NEW_KEY);

    // The contract's `secrets` field does the same.
    const viaSecrets = await h.call("PATCH", `/providers/${id}`, { body: { secrets: { apiKey: LIVE_KEY } } });
    expect(viaSecrets.status).toBe(200);
    stored = (await h.store.providers.findById(id))!;
    expect(joinConfig(h.box, testpayPlugin.configSchema, stored).apiKey).toBe(LIVE_KEY);
  });

  it("PATCH validates the merged config and changes nothing when it is bad", async () => {
    const { id } = await create(testpay());
    const before = await h.store.providers.findById(id);
    const response = await h.call("PATCH", `/providers/${id}`, {
      body: { priority: 1, config: { apiKey: "not-a-key-SECRET" } },
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain("not-a-key-SECRET");
    expect((JSON.parse(text) as ErrorBody).error.issues?.map((issue) => issue.path)).toEqual([
      "config.apiKey",
    ]);
    expect(await h.store.providers.findById(id)).toEqual(before);
    expect(h.feed.published).toEqual([TENANT]);
  });

  it("PATCH changes the plain fields", async () => {
    const { id } = await create(manual());
    const response = await h.call("PATCH", `/providers/${id}`, {
      body: { displayName: "Bank (KCB)", priority: 7, testMode: true },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      displayName: "Bank (KCB)",
      priority: 7,
      testMode: true,
      active: true,
    });
    expect(await h.store.providers.findById(id)).toMatchObject({
      displayName: "Bank (KCB)",
      priority: 7,
      testMode: true,
    });
  });

  it("activates and deactivates, and the registry follows at once", async () => {
    const { id } = await create(testpay());
    expect((await h.registry.candidates(TENANT, "card")).map((c) => c.instance._id)).toEqual([id]);

    const off = await h.call("POST", `/providers/${id}/deactivate`);
    expect(off.status).toBe(200);
    expect(((await off.json()) as { active: boolean }).active).toBe(false);
    expect((await h.store.providers.findById(id))?.active).toBe(false);
    expect(await h.registry.candidates(TENANT, "card")).toEqual([]);

    const on = await h.call("POST", `/providers/${id}/activate`);
    expect(on.status).toBe(200);
    expect(((await on.json()) as { active: boolean }).active).toBe(true);
    expect((await h.registry.candidates(TENANT, "card")).map((c) => c.instance._id)).toEqual([id]);
  });

  it("deletes with 204", async () => {
    const { id } = await create(manual());
    const response = await h.call("DELETE", `/providers/${id}`);
    expect(response.status).toBe(204);
    expect(await h.store.providers.findById(id)).toBeNull();
    expect((await h.call("GET", `/providers/${id}`)).status).toBe(404);
    expect((await h.call("DELETE", `/providers/${id}`)).status).toBe(404);
    expect(await listIds()).toEqual([]);
  });

  it("checks health now and stores the result", async () => {
    const { id } = await create(testpay());
    const healthy = await h.call("POST", `/providers/${id}/health`);
    expect(healthy.status).toBe(200);
    const view = (await healthy.json()) as {
      health: { status: string; checkedAt: string; latencyMs: number };
    };
    expect(view.health).toMatchObject({ status: "healthy", latencyMs: 5 });
    expect(Number.isNaN(Date.parse(view.health.checkedAt))).toBe(false);
    expect((await h.store.providers.findById(id))?.health).toMatchObject({ status: "healthy", latencyMs: 5 });

    await h.call("PATCH", `/providers/${id}`, { body: { config: { region: "us" } } });
    const down = await h.call("POST", `/providers/${id}/health`);
    expect(((await down.json()) as { health: unknown }).health).toMatchObject({
      status: "unhealthy",
      message: "Region us is down",
    });
    expect((await h.store.providers.findById(id))?.health).toMatchObject({ status: "unhealthy" });
  });

  it("tells once when a check now makes an instance stop or start working", async () => {
    const { id } = await create(testpay());
    const check = async () =>
      ((await (await h.call("POST", `/providers/${id}/health`)).json()) as { health: { status: string } })
        .health.status;
    expect(await check()).toBe("healthy");
    await h.call("PATCH", `/providers/${id}`, { body: { config: { region: "us" } } });
    expect(await check()).toBe("unhealthy");
    expect(await check()).toBe("unhealthy");
    await h.call("PATCH", `/providers/${id}`, { body: { config: { region: "eu" } } });
    expect(await check()).toBe("healthy");
    expect(h.alerts).toEqual(["TestPay main: healthy → unhealthy", "TestPay main: unhealthy → healthy"]);
  });

  it("scrubs a secret a provider quotes in its health message", async () => {
    const key = "sk_live_reject0000abcd9999";
    const { id } = await create(testpay({ config: { apiKey: key, merchantCode: "M" } }));
    const response = await h.call("POST", `/providers/${id}/health`);
    const text = await response.text();
    expect(text).not.toContain(key);
    expect((JSON.parse(text) as { health: { message: string } }).health.message).toBe(
      "Key [redacted] was refused",
    );
    expect(JSON.stringify(await h.store.providers.findById(id))).not.toContain(key);
  });
});

describe("admin API: failing dependencies", () => {
  it("stores a throwing health check as unhealthy, its message scrubbed", async () => {
    const { id } = await create(testpay({ config: { apiKey: LIVE_KEY, merchantCode: "THROW" } }));
    const response = await h.call("POST", `/providers/${id}/health`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(LIVE_KEY);
    expect((JSON.parse(text) as { health: unknown }).health).toMatchObject({
      status: "unhealthy",
      message: "Connection reset while sending [redacted]",
    });
    expect((await h.store.providers.findById(id))?.health.status).toBe("unhealthy");
  });

  it("stores a health check that does not answer in time as unhealthy", async () => {
    const { id } = await create(testpay({ config: { apiKey: LIVE_KEY, merchantCode: "HANG" } }));
    const response = await h.call("POST", `/providers/${id}/health`);
    expect(((await response.json()) as { health: unknown }).health).toMatchObject({
      status: "unhealthy",
      message: `No answer within ${HEALTH_TIMEOUT_MS} ms`,
    });
    const tested = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: LIVE_KEY, merchantCode: "HANG" } },
    });
    expect(await tested.json()).toEqual({
      ok: false,
      message: `No answer within ${HEALTH_TIMEOUT_MS} ms`,
      latencyMs: expect.any(Number),
    });
  });

  it("says a change was saved when the other processes could not be told", async () => {
    h.feed.down = true;
    const response = await h.call("POST", "/providers", { body: manual() });
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("unavailable");
    expect(body.error.message).toContain("was saved");
    h.feed.down = false;
    const [saved] = await h.store.providers.list({ tenantId: TENANT });
    expect(saved?.displayName).toBe("Bank transfer");
    expect((await auditOf(saved!._id)).map((entry) => entry.action)).toEqual(["provider.created"]);
  });
});

describe("admin API: changes are published and audited", () => {
  it("publishes the tenant and writes one audit entry per change, without secret values", async () => {
    const { id } = await create(testpay());
    await h.call("PATCH", `/providers/${id}`, {
      body: { priority: 3, config: { apiKey: NEW_KEY, region: "us" } },
    });
    await h.call("POST", `/providers/${id}/deactivate`);
    await h.call("POST", `/providers/${id}/activate`);
    await h.call("PATCH", `/providers/${id}`, { body: { active: false, displayName: "Renamed" } });
    await h.call("POST", `/providers/${id}/health`);
    await h.call("DELETE", `/providers/${id}`);

    expect(h.feed.published).toEqual(Array(7).fill(TENANT));
    const entries = await auditOf(id);
    expect(entries.map((entry) => entry.action)).toEqual([
      "provider.created",
      "provider.updated",
      "provider.deactivated",
      "provider.activated",
      "provider.updated",
      "provider.health_checked",
      "provider.deleted",
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor: "admin", tenantId: TENANT, subjectId: id });
      expect(entry.detail).toMatchObject({ plugin: "testpay" });
    }
    expect(entries[0]!.detail?.fields).toEqual(
      expect.arrayContaining(["config.apiKey", "config.merchantCode"]),
    );
    expect(entries[1]!.detail?.fields).toEqual(["priority", "config.region", "config.apiKey"]);
    expect(entries[1]!.detail?.values).toEqual({ priority: 3, "config.region": "us" });
    expect(entries[4]!.detail?.fields).toEqual(["active", "displayName"]);

    const all = JSON.stringify(entries);
    expect(all).not.toContain(LIVE_KEY);
    expect(all).not.toContain(NEW_KEY);
    expect(await h.disk()).not.toContain(NEW_KEY);
  });

  it("publishes and records nothing for a change that changes nothing", async () => {
    const { id } = await create(testpay());
    const response = await h.call("POST", `/providers/${id}/activate`);
    expect(response.status).toBe(200);
    const same = await h.call("PATCH", `/providers/${id}`, {
      body: { priority: 100, config: { apiKey: LIVE_KEY } },
    });
    expect(same.status).toBe(200);
    expect(h.feed.published).toEqual([TENANT]);
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(["provider.created"]);
  });
});

describe("admin API: plugins", () => {
  it("describes each plugin with its config as JSON Schema, secret fields flagged", async () => {
    const response = await h.call("GET", "/plugins");
    expect(response.status).toBe(200);
    const plugins = (await response.json()) as {
      name: string;
      label: string;
      methods: string[];
      configSchema: JsonSchema;
      secretFields: string[];
    }[];
    expect(plugins.map((plugin) => plugin.name)).toEqual(["manual", "testpay", "testcard"]);
    const [bank, testpayView] = plugins;
    expect(bank).toMatchObject({ label: "Bank transfer / manual", methods: ["manual"], secretFields: [] });
    expect(bank!.configSchema.properties.instructions).toMatchObject({ type: "string" });
    expect(testpayView!.secretFields).toEqual(["apiKey"]);
    expect(testpayView!.configSchema).toMatchObject({
      type: "object",
      properties: {
        apiKey: { type: "string", secret: true, writeOnly: true },
        region: { enum: ["eu", "us"], default: "eu" },
        merchantCode: { type: "string" },
      },
    });
    expect(testpayView!.configSchema.properties.region!.secret).toBeUndefined();
    // Input side: a field with a default is not required.
    expect(testpayView!.configSchema.required).toEqual(["apiKey", "merchantCode"]);
  });

  it("tests a connection with the plugin's health check, storing nothing", async () => {
    const ok = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: LIVE_KEY, merchantCode: "M" } },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, latencyMs: 5 });

    const testMode = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: LIVE_KEY, merchantCode: "M" }, testMode: true },
    });
    expect(await testMode.json()).toEqual({ ok: true, latencyMs: 3 });

    const down = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: LIVE_KEY, merchantCode: "M", region: "us" } },
    });
    expect(await down.json()).toEqual({ ok: false, message: "Region us is down", latencyMs: 7 });

    const refused = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: "sk_test_reject_abcdef123", merchantCode: "M" } },
    });
    const refusedText = await refused.text();
    expect(refusedText).not.toContain("sk_test_reject_abcdef123");
    expect(JSON.parse(refusedText)).toMatchObject({ ok: false, message: "Key [redacted] was refused" });

    expect(await listIds()).toEqual([]);
    expect(h.feed.published).toEqual([]);
    expect(await h.store.audit.list(TENANT, {}, 10)).toEqual([]);
    expect(await h.disk()).not.toContain(LIVE_KEY);
  });

  it("refuses a test with a bad config (422) or an unknown plugin (404)", async () => {
    const bad = await h.call("POST", "/plugins/testpay/test", {
      body: { config: { apiKey: "bad-SECRET-value" } },
    });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).not.toContain("bad-SECRET-value");
    expect((JSON.parse(text) as ErrorBody).error.issues?.map((issue) => issue.path).sort()).toEqual([
      "config.apiKey",
      "config.merchantCode",
    ]);
    const unknown = await h.call("POST", "/plugins/stripe/test", { body: { config: {} } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.message).toContain(
      "registered: manual, testpay, testcard",
    );
  });
});
