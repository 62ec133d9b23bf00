import { randomBytes } from "node:crypto";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { maskSecret } from "../../../src/log/mask.js";
import type { PaymentPlugin, PluginInstance, ProviderClient } from "../../../src/payments/plugin.js";
import {
  hasCredentials,
  MissingCredentialsError,
  withCredentialSets,
} from "../../../src/payments/registry/credential-sets.js";
import {
  InvalidConfigError,
  joinConfig,
  plaintextSecrets,
  splitConfig,
  splitSets,
} from "../../../src/payments/registry/instance-config.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import type { ProviderInstance, ProviderInstanceRepository } from "../../../src/payments/registry/types.js";

const box = createSecretBox({ current: randomBytes(32) });

/** Shaped like a card provider: a per-mode key and base URL, a shared timeout and a shared secret. */
const schema = z.strictObject({
  secretKey: z.string().min(8).meta({ secret: true, perMode: true }),
  baseUrl: z.url().default("https://api.example.com").meta({ perMode: true }),
  timeoutMs: z.number().int().default(10_000),
  callbackToken: z.string().min(8).meta({ secret: true }),
});

const LIVE_KEY = "sk_live_0123456789";
const TEST_KEY = "sk_test_0123456789";
const TOKEN = "token-0123456789";

function instanceOf(sets: ReturnType<typeof splitSets>, testMode: boolean): ProviderInstance {
  const at = new Date("2026-12-05T00:00:00Z");
  return {
    _id: "pi_sets",
    tenantId: "default",
    plugin: "card",
    displayName: "Card",
    ...sets,
    active: true,
    testMode,
    priority: 100,
    health: { status: "unknown" },
    createdAt: at,
    updatedAt: at,
  };
}

describe("live and test credential sets", () => {
  it("keeps each mode's own fields apart and shares the rest", () => {
    const sets = splitSets(box, schema, {
      live: { secretKey: LIVE_KEY, timeoutMs: 5_000, callbackToken: TOKEN },
      test: { secretKey: TEST_KEY, baseUrl: "https://sandbox.example.com" },
    });
    expect(Object.keys(sets.secrets).sort()).toEqual(["callbackToken", "secretKey"]);
    expect(Object.keys(sets.test.secrets)).toEqual(["secretKey"]);
    expect(sets.test.config).toEqual({ baseUrl: "https://sandbox.example.com" });
    const instance = instanceOf(sets, true);
    expect(joinConfig(box, schema, instance)).toEqual({
      secretKey: TEST_KEY,
      baseUrl: "https://sandbox.example.com",
      timeoutMs: 5_000,
      callbackToken: TOKEN,
    });
    expect(joinConfig(box, schema, instance, "live")).toEqual({
      secretKey: LIVE_KEY,
      baseUrl: "https://api.example.com",
      timeoutMs: 5_000,
      callbackToken: TOKEN,
    });
    // Both sets are scrubbed from messages.
    expect(plaintextSecrets(box, instance).sort()).toEqual([LIVE_KEY, TEST_KEY, TOKEN].sort());
  });

  it("never fills a mode without credentials from the other set", () => {
    const testOnly = instanceOf(
      splitSets(box, schema, { live: { callbackToken: TOKEN }, test: { secretKey: TEST_KEY } }),
      true,
    );
    expect(hasCredentials(schema, testOnly, "live")).toBe(false);
    expect(joinConfig(box, schema, testOnly).secretKey).toBe(TEST_KEY);
    expect(() => joinConfig(box, schema, { ...testOnly, testMode: false })).toThrow(MissingCredentialsError);
    const liveOnly = instanceOf(
      splitSets(box, schema, { live: { secretKey: LIVE_KEY, callbackToken: TOKEN } }),
      false,
    );
    expect(hasCredentials(schema, liveOnly, "test")).toBe(false);
    expect(() => joinConfig(box, schema, liveOnly, "test")).toThrow(/no test credentials/);
  });

  it("refuses a shared field in the test set, naming where it belongs", () => {
    expect(() =>
      splitSets(box, schema, {
        live: { secretKey: LIVE_KEY, callbackToken: TOKEN },
        test: { secretKey: TEST_KEY, timeoutMs: 1 },
      }),
    ).toThrow(
      expect.objectContaining({
        issues: [{ path: "test.timeoutMs", message: "is the same in both modes: set it in the live config" }],
      }),
    );
    expect(() =>
      splitSets(box, schema, {
        live: { secretKey: LIVE_KEY, callbackToken: TOKEN },
        test: { secretKey: "short" },
      }),
    ).toThrow(InvalidConfigError);
  });

  it("adds a test set to a live instance and keeps the live one, echoed masks included", () => {
    const existing = instanceOf(
      splitSets(box, schema, { live: { secretKey: LIVE_KEY, callbackToken: TOKEN } }),
      false,
    );
    const next = instanceOf(
      splitSets(
        box,
        schema,
        { live: { secretKey: maskSecret(LIVE_KEY) }, test: { secretKey: TEST_KEY } },
        existing,
      ),
      true,
    );
    expect(joinConfig(box, schema, next, "live").secretKey).toBe(LIVE_KEY);
    expect(joinConfig(box, schema, next, "test")).toMatchObject({
      secretKey: TEST_KEY,
      callbackToken: TOKEN,
    });
  });

  it("reads an instance stored before sets existed in test mode as its test set", () => {
    const legacy = {
      ...instanceOf(
        {
          ...splitConfig(box, schema, { secretKey: TEST_KEY, callbackToken: TOKEN }),
          test: { config: {}, secrets: {} },
        },
        true,
      ),
      test: undefined,
    };
    const read = withCredentialSets(schema, legacy);
    expect(Object.keys(read.secrets)).toEqual(["callbackToken"]);
    expect(Object.keys(read.test.secrets)).toEqual(["secretKey"]);
    expect(hasCredentials(schema, legacy, "live")).toBe(false);
    expect(joinConfig(box, schema, legacy).secretKey).toBe(TEST_KEY);
    // The same data live is its live set, with no test set.
    const live = { ...legacy, testMode: false };
    expect(joinConfig(box, schema, live).secretKey).toBe(TEST_KEY);
    expect(hasCredentials(schema, live, "test")).toBe(false);
  });
});

describe("registry clients by mode", () => {
  it("builds the selected set's client, and another mode's on request (a payment made before a switch)", async () => {
    const built: { key: string; testMode: boolean }[] = [];
    const plugin: PaymentPlugin<typeof schema> = {
      name: "card",
      label: "Card",
      methods: ["card"],
      configSchema: schema,
      create(instance: PluginInstance<z.output<typeof schema>>) {
        built.push({ key: instance.config.secretKey, testMode: instance.testMode });
        return {} as ProviderClient;
      },
    };
    const registry = createProviderRegistry({
      plugins: [plugin as unknown as PaymentPlugin],
      instances: {} as ProviderInstanceRepository,
      secrets: box,
      publicUrl: "http://localhost:3000",
      shared: () => ({}) as never,
      logger: pino({ level: "silent" }),
    });
    const instance = instanceOf(
      splitSets(box, schema, {
        live: { secretKey: LIVE_KEY, callbackToken: TOKEN },
        test: { secretKey: TEST_KEY },
      }),
      true,
    );
    const current = registry.client(instance);
    expect(registry.client(instance, "test")).toBe(current);
    registry.client(instance, "live");
    expect(built).toEqual([
      { key: TEST_KEY, testMode: true },
      { key: LIVE_KEY, testMode: false },
    ]);
  });
});
