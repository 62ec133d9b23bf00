/** Live and test credentials through the admin API: given, shown masked, switched, refused without. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, TENANT } from "./harness.js";

const LIVE_KEY = "sk_live_livekey0123456789ab";
const TEST_KEY = "sk_test_testkey0123456789cd";
const NEW_TEST_KEY = "sk_test_rotated0123456789ef";

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await h.call(method, path, body === undefined ? {} : { body });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

/** What the instance's client is built with now: its health check names base and mode. */
async function builtWith(id: string): Promise<string | undefined> {
  const stored = await h.store.providers.findById(id);
  return (await h.registry.client(stored!).healthCheck()).message;
}

describe("admin API: test credentials", () => {
  it("creates an instance with both sets and never answers or stores a secret of either", async () => {
    const created = await call("POST", "/providers", {
      plugin: "testcard",
      displayName: "Cards",
      config: { secretKey: LIVE_KEY, timeoutMs: 5_000 },
      testConfig: { apiBase: "https://sandbox.testcard.example" },
      testSecrets: { secretKey: TEST_KEY },
      testMode: true,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      testMode: true,
      config: { timeoutMs: 5_000 },
      secrets: { secretKey: "sk_live_…89ab" },
      test: {
        config: { apiBase: "https://sandbox.testcard.example" },
        secrets: { secretKey: "sk_test_…89cd" },
      },
      credentials: { live: true, test: true },
    });
    const listed = await call("GET", "/providers");
    const disk = await h.disk();
    for (const secret of [LIVE_KEY, TEST_KEY]) {
      expect(created.text).not.toContain(secret);
      expect(listed.text).not.toContain(secret);
      expect(disk).not.toContain(secret);
    }
    const id = String(created.json.id);
    expect(await builtWith(id)).toBe("https://sandbox.testcard.example test");
    const [audit] = await h.store.audit.list(TENANT, { action: "provider.created" }, 1);
    expect(audit?.detail).toMatchObject({
      fields: expect.arrayContaining(["config.secretKey", "testConfig.secretKey", "testConfig.apiBase"]),
    });
    expect(JSON.stringify(audit)).not.toContain(TEST_KEY);
  });

  it("switches the set the next call uses, without a restart, both ways", async () => {
    const created = await call("POST", "/providers", {
      plugin: "testcard",
      displayName: "Cards",
      config: { secretKey: LIVE_KEY },
      testConfig: { secretKey: TEST_KEY, apiBase: "https://sandbox.testcard.example" },
    });
    const id = String(created.json.id);
    expect(await builtWith(id)).toBe("https://api.testcard.example live");
    expect((await call("PATCH", `/providers/${id}`, { testMode: true })).status).toBe(200);
    expect(await builtWith(id)).toBe("https://sandbox.testcard.example test");
    expect((await call("PATCH", `/providers/${id}`, { testMode: false })).status).toBe(200);
    expect(await builtWith(id)).toBe("https://api.testcard.example live");
  });

  it("refuses a switch, or a new instance, in a mode without credentials, and changes nothing", async () => {
    const created = await call("POST", "/providers", {
      plugin: "testcard",
      displayName: "Cards",
      config: { secretKey: LIVE_KEY },
    });
    const id = String(created.json.id);
    const before = await h.store.providers.findById(id);
    const refused = await call("PATCH", `/providers/${id}`, { testMode: true });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({
      error: {
        code: "invalid",
        issues: [{ path: "testMode", message: expect.stringContaining("no test credentials") }],
      },
    });
    expect(await h.store.providers.findById(id)).toEqual(before);

    const testOnlyLive = await call("POST", "/providers", {
      plugin: "testcard",
      displayName: "Test only",
      config: {},
      testConfig: { secretKey: TEST_KEY },
    });
    expect(testOnlyLive.status).toBe(422);
    expect(testOnlyLive.text).toContain("no live credentials");
  });

  it("updates one test field and keeps the rest of both sets; refuses a shared field in testConfig", async () => {
    const created = await call("POST", "/providers", {
      plugin: "testcard",
      displayName: "Cards",
      config: { secretKey: LIVE_KEY },
      testConfig: { secretKey: TEST_KEY, apiBase: "https://sandbox.testcard.example" },
      testMode: true,
    });
    const id = String(created.json.id);
    const updated = await call("PATCH", `/providers/${id}`, { testSecrets: { secretKey: NEW_TEST_KEY } });
    expect(updated.json).toMatchObject({
      secrets: { secretKey: "sk_live_…89ab" },
      test: {
        config: { apiBase: "https://sandbox.testcard.example" },
        secrets: { secretKey: "sk_test_…89ef" },
      },
    });
    const shared = await call("PATCH", `/providers/${id}`, { testConfig: { timeoutMs: 1_000 } });
    expect(shared.status).toBe(422);
    expect(shared.json).toMatchObject({
      error: {
        issues: [
          { path: "testConfig.timeoutMs", message: "is the same in both modes: set it in the live config" },
        ],
      },
    });
  });

  it("never shows a secret stored in clear text before its field was marked secret", async () => {
    const at = new Date();
    await h.store.providers.create({
      _id: "pi_cleartext",
      tenantId: TENANT,
      plugin: "testcard",
      displayName: "Old cards",
      config: { secretKey: LIVE_KEY, timeoutMs: 5_000 },
      secrets: {},
      active: false,
      testMode: false,
      priority: 100,
      health: { status: "unknown" },
      createdAt: at,
      updatedAt: at,
    });
    const shown = await call("GET", "/providers/pi_cleartext");
    expect(shown.text).not.toContain(LIVE_KEY);
    expect(shown.json).toMatchObject({ config: { timeoutMs: 5_000 } });
    // The next change keeps it, encrypted.
    await call("PATCH", "/providers/pi_cleartext", { config: { timeoutMs: 6_000 } });
    const stored = await h.store.providers.findById("pi_cleartext");
    expect(Object.keys(stored!.secrets)).toEqual(["secretKey"]);
    expect(JSON.stringify(stored!.config)).not.toContain(LIVE_KEY);
  });
});
