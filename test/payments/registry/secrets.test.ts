import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, DukaError } from "../../../src/domain/errors.js";
import { createSecretBox, keyIdOf, SecretKeyError } from "../../../src/payments/registry/secrets.js";
import type { EncryptedSecret } from "../../../src/payments/registry/types.js";

const KEY = Buffer.alloc(32, 1);
const OLD_KEY = Buffer.alloc(32, 2);
const SECRET = "sk_live_0123456789abcdef0123456789abcdef01231234";

/** `secret` with one byte of one field changed, re-encoded as canonical base64. */
function flipByte(secret: EncryptedSecret, field: "iv" | "tag" | "data", index: number): EncryptedSecret {
  const bytes = Buffer.from(secret[field], "base64");
  bytes[index] = bytes[index]! ^ 0x01;
  return { ...secret, [field]: bytes.toString("base64") };
}

function errorOf(action: () => unknown): SecretKeyError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretKeyError);
    return error as SecretKeyError;
  }
  throw new Error("expected a SecretKeyError");
}

describe("createSecretBox", () => {
  it("round-trips text, including empty and non-ASCII values", () => {
    const box = createSecretBox({ current: KEY });
    for (const value of [SECRET, "", "pässwörd ✓ 🔑", "x".repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(value))).toBe(value);
    }
  });

  it("stores a 12-byte IV, a 16-byte tag and no plaintext", () => {
    const box = createSecretBox({ current: KEY });
    const encrypted = box.encrypt(SECRET);
    expect(Object.keys(encrypted).sort()).toEqual(["data", "iv", "keyId", "tag"]);
    expect(Buffer.from(encrypted.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(encrypted.tag, "base64")).toHaveLength(16);
    expect(Buffer.from(encrypted.data, "base64")).toHaveLength(Buffer.byteLength(SECRET));
    const stored = JSON.stringify(encrypted);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(SECRET.slice(8, 24));
    expect(stored).not.toContain(Buffer.from(SECRET).toString("base64").slice(0, 16));
  });

  it("uses a fresh IV each time, so equal values encrypt differently", () => {
    const box = createSecretBox({ current: KEY });
    const first = box.encrypt(SECRET);
    const second = box.encrypt(SECRET);
    expect(first.iv).not.toBe(second.iv);
    expect(first.data).not.toBe(second.data);
    expect(box.decrypt(first)).toBe(box.decrypt(second));
  });

  it("names the key by a hash that reveals nothing usable", () => {
    const box = createSecretBox({ current: KEY });
    expect(box.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(box.keyId).toBe(keyIdOf(KEY));
    expect(box.encrypt("x").keyId).toBe(box.keyId);
    expect(keyIdOf(OLD_KEY)).not.toBe(box.keyId);
    // Not a prefix of the key in any encoding, nor of the key's bare sha256.
    expect(KEY.toString("hex")).not.toContain(box.keyId);
    expect(createHash("sha256").update(KEY).digest("hex").startsWith(box.keyId)).toBe(false);
  });

  it.each(["iv", "tag", "data"] as const)("fails authentication when any byte of %s changes", (field) => {
    const box = createSecretBox({ current: KEY });
    const encrypted = box.encrypt("short-secret");
    const length = Buffer.from(encrypted[field], "base64").length;
    expect(length).toBeGreaterThan(0);
    for (let index = 0; index < length; index++) {
      const error = errorOf(() => box.decrypt(flipByte(encrypted, field, index)));
      expect(error.problem).toBe("authentication_failed");
      expect(error.code).toBe("config");
      expect(error.message).not.toContain("short-secret");
    }
    expect(box.decrypt(encrypted)).toBe("short-secret");
  });

  it.each(["iv", "tag", "data"] as const)("refuses any change to the stored %s text", (field) => {
    const box = createSecretBox({ current: KEY });
    const encrypted = box.encrypt("short-secret");
    const text = encrypted[field];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (let index = 0; index < text.length; index++) {
      if (text[index] === "=") continue;
      const replacement = alphabet[(alphabet.indexOf(text[index]!) + 1) % 64]!;
      const changed = {
        ...encrypted,
        [field]: `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`,
      };
      expect(() => box.decrypt(changed), `${field}[${index}]`).toThrow(SecretKeyError);
    }
  });

  it("refuses a truncated tag instead of checking fewer bits", () => {
    const box = createSecretBox({ current: KEY });
    const encrypted = box.encrypt(SECRET);
    const short = Buffer.from(encrypted.tag, "base64").subarray(0, 4).toString("base64");
    expect(errorOf(() => box.decrypt({ ...encrypted, tag: short })).problem).toBe("malformed");
  });

  it("refuses a value relabelled with another configured key's id", () => {
    const box = createSecretBox({ current: KEY, previous: [OLD_KEY] });
    const encrypted = box.encrypt(SECRET);
    const relabelled = { ...encrypted, keyId: keyIdOf(OLD_KEY) };
    expect(errorOf(() => box.decrypt(relabelled)).problem).toBe("authentication_failed");
  });

  it("says which key is missing and how to configure it, without key material", () => {
    const encrypted = createSecretBox({ current: OLD_KEY }).encrypt(SECRET);
    const error = errorOf(() => createSecretBox({ current: KEY }).decrypt(encrypted));
    expect(error).toBeInstanceOf(DukaError);
    expect(error.problem).toBe("unknown_key");
    expect(error.keyId).toBe(keyIdOf(OLD_KEY));
    expect(error.message).toContain(`master key ${keyIdOf(OLD_KEY)}, which is not configured`);
    expect(error.message).toContain("DUKA_MASTER_KEY");
    expect(error.message).toContain("DUKA_MASTER_KEY_PREVIOUS");
    for (const forbidden of [
      SECRET,
      KEY.toString("base64"),
      OLD_KEY.toString("base64"),
      KEY.toString("hex"),
    ]) {
      expect(error.message).not.toContain(forbidden);
      expect(JSON.stringify(error)).not.toContain(forbidden);
    }
  });

  it("does not echo a garbage key id read from the store", () => {
    const box = createSecretBox({ current: KEY });
    const encrypted = box.encrypt(SECRET);
    const error = errorOf(() => box.decrypt({ ...encrypted, keyId: "<script>hunter2</script>" }));
    expect(error.problem).toBe("malformed");
    expect(error.message).not.toContain("hunter2");
    expect(errorOf(() => box.decrypt(null as unknown as EncryptedSecret)).problem).toBe("malformed");
  });

  it("decrypts values under a previous key and encrypts under the current one (rotation)", () => {
    const before = createSecretBox({ current: OLD_KEY }).encrypt(SECRET);
    const rotated = createSecretBox({ current: KEY, previous: [OLD_KEY] });
    expect(rotated.decrypt(before)).toBe(SECRET);
    const after = rotated.encrypt(SECRET);
    expect(after.keyId).toBe(keyIdOf(KEY));
    expect(after.keyId).not.toBe(before.keyId);
    expect(rotated.decrypt(after)).toBe(SECRET);
    // Once the old key is dropped, only the re-encrypted value is readable.
    const done = createSecretBox({ current: KEY });
    expect(done.decrypt(after)).toBe(SECRET);
    expect(errorOf(() => done.decrypt(before)).problem).toBe("unknown_key");
  });

  it("keeps its own copy of the keys", () => {
    const key = Buffer.from(KEY);
    const box = createSecretBox({ current: key });
    const encrypted = box.encrypt(SECRET);
    key.fill(0);
    expect(box.decrypt(encrypted)).toBe(SECRET);
  });

  it.each([
    ["current key of 16 bytes", { current: randomBytes(16) }],
    ["current key of 33 bytes", { current: randomBytes(33) }],
    ["empty current key", { current: Buffer.alloc(0) }],
    ["previous key of 31 bytes", { current: KEY, previous: [randomBytes(31)] }],
    ["current key as a string", { current: "a".repeat(32) as unknown as Buffer }],
  ])("refuses a %s", (_name, keys) => {
    expect(() => createSecretBox(keys)).toThrow(ConfigError);
    expect(() => createSecretBox(keys)).toThrow(/exactly 32 bytes/);
  });
});
