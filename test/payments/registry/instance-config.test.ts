import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  assertSecretsReadable,
  InvalidConfigError,
  joinConfig,
  maskSecrets,
  splitConfig,
  UNREADABLE_DAMAGED,
  UNREADABLE_WRONG_KEY,
} from "../../../src/payments/registry/instance-config.js";
import { createSecretBox, keyIdOf, SecretKeyError } from "../../../src/payments/registry/secrets.js";
import type { ProviderInstance } from "../../../src/payments/registry/types.js";

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);
const box = createSecretBox({ current: KEY });

const SECRET_KEY = "sk_live_0123456789abcdef0123456789abcdef01231234";
const PASSKEY = "bfb279f9aa9bdbcf";

/** A plugin schema shaped like a real one: plain fields, two secrets, a default, a transform. */
const schema = z.object({
  shortcode: z.string().regex(/^\d{4,10}$/),
  baseUrl: z
    .url()
    .default("https://sandbox.example.com")
    .transform((value) => value.replace(/\/+$/, "")),
  timeoutSeconds: z.number().int().min(1).max(60).optional(),
  mode: z.enum(["paybill", "till"]).default("paybill"),
  secretKey: z.string().min(8).meta({ secret: true }),
  passkey: z.string().min(8).meta({ secret: true }),
});

const INPUT = {
  shortcode: "174379",
  baseUrl: "https://api.example.com/",
  secretKey: SECRET_KEY,
  passkey: PASSKEY,
};

function instanceOf(
  split: ReturnType<typeof splitConfig>,
  overrides: Partial<ProviderInstance> = {},
): ProviderInstance {
  return {
    _id: "pi_1",
    tenantId: "t1",
    plugin: "mpesa",
    displayName: "M-Pesa",
    config: split.config,
    secrets: split.secrets,
    active: true,
    testMode: false,
    priority: 0,
    health: { status: "unknown" },
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

function invalidOf(action: () => unknown): InvalidConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error("expected an InvalidConfigError");
}

function secretErrorOf(action: () => unknown): SecretKeyError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretKeyError);
    return error as SecretKeyError;
  }
  throw new Error("expected a SecretKeyError");
}

describe("splitConfig and joinConfig", () => {
  it("stores the secret fields encrypted and the rest as given", () => {
    const split = splitConfig(box, schema, INPUT);
    expect(split.config).toEqual({ shortcode: "174379", baseUrl: "https://api.example.com/" });
    expect(Object.keys(split.secrets).sort()).toEqual(["passkey", "secretKey"]);
    expect(split.secrets.secretKey!.keyId).toBe(box.keyId);
    expect(box.decrypt(split.secrets.secretKey!)).toBe(SECRET_KEY);
    const stored = JSON.stringify(split);
    expect(stored).not.toContain(SECRET_KEY);
    expect(stored).not.toContain(PASSKEY);
  });

  it("joins back to the schema's output, defaults and transforms applied once", () => {
    const instance = instanceOf(splitConfig(box, schema, INPUT));
    expect(joinConfig(box, schema, instance)).toEqual({
      shortcode: "174379",
      baseUrl: "https://api.example.com",
      mode: "paybill",
      secretKey: SECRET_KEY,
      passkey: PASSKEY,
    });
    // Splitting the joined config again gives the same result: nothing is transformed twice.
    const again = splitConfig(box, schema, joinConfig(box, schema, instance));
    expect(joinConfig(box, schema, instanceOf(again))).toEqual(joinConfig(box, schema, instance));
  });

  it("lists every invalid field by path, in its own words, without the values given", () => {
    const error = invalidOf(() =>
      splitConfig(box, schema, {
        shortcode: "12-SECRETISH",
        baseUrl: "not a url value",
        timeoutSeconds: 90,
        mode: "weekly-plan",
        secretKey: 123456789,
        extraSetting: "leaked-value-1",
      }),
    );
    expect(error.code).toBe("invalid");
    expect(error.issues).toEqual([
      { path: "shortcode", message: "has the wrong format" },
      { path: "baseUrl", message: "must be a URL" },
      { path: "timeoutSeconds", message: "must be at most 60" },
      { path: "mode", message: 'must be one of "paybill", "till"' },
      { path: "secretKey", message: "must be text" },
      { path: "passkey", message: "is required" },
      { path: "extraSetting", message: "is not a setting of this plugin" },
    ]);
    const text = `${error.message} ${JSON.stringify(error.issues)}`;
    for (const value of [
      "12-SECRETISH",
      "not a url value",
      "90",
      "weekly-plan",
      "123456789",
      "leaked-value-1",
    ]) {
      expect(text).not.toContain(value);
    }
    expect(error.message).toMatch(/^The provider config is invalid: shortcode has the wrong format; /);
  });

  it("scrubs input values out of messages a plugin's schema writes itself", () => {
    const echoing = z.object({
      apiKey: z
        .string()
        .refine((value) => value.startsWith("key_"), {
          error: (issue) => `"${String(issue.input)}" is not a key`,
        })
        .meta({ secret: true }),
      region: z.string().min(2, "pick a region such as eu-1"),
    });
    const error = invalidOf(() => splitConfig(box, echoing, { apiKey: "hunter2-typed-here", region: "x" }));
    expect(error.issues).toEqual([
      { path: "apiKey", message: '"***" is not a key' },
      { path: "region", message: "pick a region such as eu-1" },
    ]);
    expect(error.message).not.toContain("hunter2");
  });

  it("reports nested paths with dots and bounds unknown keys", () => {
    const nested = z.object({ accounts: z.array(z.object({ bank: z.string() })) });
    const error = invalidOf(() =>
      splitConfig(box, nested, { accounts: [{ bank: "KCB" }, { bank: 7 }], ["x".repeat(100)]: 1 }),
    );
    expect(error.issues).toEqual([
      { path: "accounts.1.bank", message: "must be text" },
      { path: `${"x".repeat(64)}…`, message: "is not a setting of this plugin" },
    ]);
  });

  it("refuses a secret field that is not text", () => {
    const odd = z.object({ pin: z.number().meta({ secret: true }) });
    const error = invalidOf(() => splitConfig(box, odd, { pin: 1234 }));
    expect(error.issues).toEqual([{ path: "pin", message: "is a secret and must be text" }]);
  });

  it("keeps a secret an update omits, and replaces one it gives", () => {
    const existing = instanceOf(splitConfig(box, schema, INPUT));
    const patched = splitConfig(box, schema, { shortcode: "600000", passkey: "new-passkey-value" }, existing);
    expect(patched.config).toEqual({ shortcode: "600000", baseUrl: "https://api.example.com/" });
    const joined = joinConfig(box, schema, instanceOf(patched));
    expect(joined).toMatchObject({
      shortcode: "600000",
      secretKey: SECRET_KEY,
      passkey: "new-passkey-value",
    });
  });

  it("treats the masked value shown for a secret as unchanged", () => {
    const existing = instanceOf(splitConfig(box, schema, INPUT));
    const shown = maskSecrets(box, existing);
    const patched = splitConfig(box, schema, { ...existing.config, ...shown }, existing);
    expect(joinConfig(box, schema, instanceOf(patched))).toMatchObject({
      secretKey: SECRET_KEY,
      passkey: PASSKEY,
    });
    // So is the mark shown for an unreadable secret: it never becomes the secret.
    const marked = splitConfig(
      box,
      schema,
      { secretKey: UNREADABLE_WRONG_KEY, passkey: UNREADABLE_DAMAGED },
      existing,
    );
    expect(joinConfig(box, schema, instanceOf(marked))).toMatchObject({
      secretKey: SECRET_KEY,
      passkey: PASSKEY,
    });
    // A different value that merely looks masked is a new value.
    const replaced = splitConfig(box, schema, { secretKey: "abcdefgh…wxyz" }, existing);
    expect(joinConfig(box, schema, instanceOf(replaced)).secretKey).toBe("abcdefgh…wxyz");
  });

  it("clears an optional field an update sets to undefined and drops fields the plugin no longer has", () => {
    const existing = instanceOf(splitConfig(box, schema, { ...INPUT, timeoutSeconds: 30 }), {
      config: { shortcode: "174379", timeoutSeconds: 30, retiredSetting: true },
    });
    const patched = splitConfig(box, schema, { timeoutSeconds: undefined }, existing);
    expect(patched.config).toEqual({ shortcode: "174379" });
  });

  it("re-encrypts kept secrets under the current key during rotation", () => {
    const old = createSecretBox({ current: OTHER_KEY });
    const existing = instanceOf(splitConfig(old, schema, INPUT));
    const rotated = createSecretBox({ current: KEY, previous: [OTHER_KEY] });
    const patched = splitConfig(rotated, schema, { shortcode: "174379" }, existing);
    expect(patched.secrets.secretKey!.keyId).toBe(keyIdOf(KEY));
    expect(joinConfig(box, schema, instanceOf(patched)).secretKey).toBe(SECRET_KEY);
  });

  it("refuses to keep an omitted secret it cannot read, naming the field", () => {
    const existing = instanceOf(splitConfig(createSecretBox({ current: OTHER_KEY }), schema, INPUT));
    const error = secretErrorOf(() => splitConfig(box, schema, { shortcode: "600000" }, existing));
    expect(error.message).toMatch(/"(secretKey|passkey)" of provider instance pi_1/);
    expect(error.problem).toBe("unknown_key");
    // Giving every secret anew needs no old key.
    const replaced = splitConfig(box, schema, { secretKey: SECRET_KEY, passkey: PASSKEY }, existing);
    expect(joinConfig(box, schema, instanceOf(replaced)).passkey).toBe(PASSKEY);
  });

  it("joins with SecretKeyError under the wrong key and InvalidConfigError for a stale config", () => {
    const instance = instanceOf(splitConfig(box, schema, INPUT));
    const wrongKey = secretErrorOf(() =>
      joinConfig(createSecretBox({ current: OTHER_KEY }), schema, instance),
    );
    expect(wrongKey.message).toContain("pi_1 (secretKey, passkey)");
    expect(wrongKey.message).not.toContain(SECRET_KEY);

    const stale = instanceOf(splitConfig(box, schema, INPUT), { config: { shortcode: "abc" } });
    const invalid = invalidOf(() => joinConfig(box, schema, stale));
    expect(invalid.issues).toEqual([{ path: "shortcode", message: "has the wrong format" }]);
    expect(invalid.message).toContain("provider instance pi_1 (mpesa)");
  });
});

describe("maskSecrets", () => {
  it("shows each secret masked, and unreadable ones as such", () => {
    const instance = instanceOf(splitConfig(box, schema, INPUT));
    expect(maskSecrets(box, instance)).toEqual({ secretKey: "sk_live_…1234", passkey: "***" });
    expect(maskSecrets(createSecretBox({ current: OTHER_KEY }), instance)).toEqual({
      secretKey: UNREADABLE_WRONG_KEY,
      passkey: UNREADABLE_WRONG_KEY,
    });
    expect(UNREADABLE_WRONG_KEY).toBe("(unreadable: wrong master key)");
    const tampered = instanceOf(splitConfig(box, schema, INPUT), {
      secrets: { ...instance.secrets, passkey: { ...instance.secrets.passkey!, data: "AAAA" } },
    });
    expect(maskSecrets(box, tampered)).toEqual({ secretKey: "sk_live_…1234", passkey: UNREADABLE_DAMAGED });
  });
});

describe("assertSecretsReadable", () => {
  it("passes when every secret decrypts, including under a previous key", () => {
    const instances = [
      instanceOf(splitConfig(box, schema, INPUT)),
      instanceOf(splitConfig(createSecretBox({ current: OTHER_KEY }), schema, INPUT), { _id: "pi_2" }),
    ];
    expect(() =>
      assertSecretsReadable(createSecretBox({ current: KEY, previous: [OTHER_KEY] }), instances),
    ).not.toThrow();
    expect(() => assertSecretsReadable(box, [])).not.toThrow();
  });

  it("throws one error naming every unreadable instance and field", () => {
    const readable = instanceOf(splitConfig(box, schema, INPUT), { _id: "pi_ok" });
    const foreign = instanceOf(splitConfig(createSecretBox({ current: OTHER_KEY }), schema, INPUT), {
      _id: "pi_foreign",
    });
    const good = splitConfig(box, schema, INPUT);
    const tampered = instanceOf(good, {
      _id: "pi_tampered",
      secrets: {
        ...good.secrets,
        passkey: { ...good.secrets.passkey!, tag: Buffer.alloc(16).toString("base64") },
      },
    });
    const error = secretErrorOf(() => assertSecretsReadable(box, [readable, foreign, tampered]));
    expect(error.code).toBe("config");
    expect(error.message).toContain(
      "Cannot decrypt 3 provider secrets: pi_foreign (secretKey, passkey), pi_tampered (passkey).",
    );
    expect(error.message).toContain(`master key ${keyIdOf(OTHER_KEY)}, which is not configured`);
    expect(error.message).toContain("DUKA_MASTER_KEY");
    expect(error.message).toContain("altered or damaged");
    expect(error.message).not.toContain("pi_ok");
    expect(error.unreadable).toEqual([
      { instanceId: "pi_foreign", field: "secretKey", problem: "unknown_key", keyId: keyIdOf(OTHER_KEY) },
      { instanceId: "pi_foreign", field: "passkey", problem: "unknown_key", keyId: keyIdOf(OTHER_KEY) },
      { instanceId: "pi_tampered", field: "passkey", problem: "authentication_failed", keyId: box.keyId },
    ]);
    for (const forbidden of [SECRET_KEY, PASSKEY, KEY.toString("base64"), OTHER_KEY.toString("base64")]) {
      expect(error.message).not.toContain(forbidden);
    }
  });
});
