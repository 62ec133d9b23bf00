import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { createLogger } from "../../../src/log/index.js";
import { resolveMasterKeys } from "../../../src/payments/registry/master-key.js";
import { createSecretBox, keyIdOf } from "../../../src/payments/registry/secrets.js";

const KEY = Buffer.alloc(32, 7);
const OLD_KEY = Buffer.alloc(32, 6);

/** A warn-level logger whose JSON lines land in `raw`. */
function capture() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: "warn", destination });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("resolveMasterKeys", () => {
  it("uses DUKA_MASTER_KEY and the previous keys, silently", () => {
    const { logger, raw } = capture();
    const config = loadConfig({
      DUKA_MASTER_KEY: KEY.toString("base64"),
      DUKA_MASTER_KEY_PREVIOUS: OLD_KEY.toString("base64"),
    });
    const keys = resolveMasterKeys(config.security, logger);
    expect(keys).toEqual({ current: KEY, previous: [OLD_KEY], generated: false });
    expect(raw).toEqual([]);
    // Usable as they are.
    const before = createSecretBox({ current: OLD_KEY }).encrypt("x-secret");
    expect(createSecretBox(keys).decrypt(before)).toBe("x-secret");
  });

  it("generates a random key for this process and warns once, without the key", () => {
    const { logger, raw, lines } = capture();
    const keys = resolveMasterKeys(loadConfig({}).security, logger);
    expect(keys.generated).toBe(true);
    expect(keys.current).toHaveLength(32);
    expect(keys.previous).toEqual([]);
    expect(lines()).toHaveLength(1);
    const [line] = lines();
    expect(line).toMatchObject({ level: 40, temporaryKeyId: keyIdOf(keys.current) });
    expect(line!.msg).toMatch(/will not survive a restart/);
    expect(line!.msg).toMatch(/Set DUKA_MASTER_KEY/);
    const text = raw.join("");
    expect(text).not.toContain(keys.current.toString("base64"));
    expect(text).not.toContain(keys.current.toString("base64url"));
    expect(text).not.toContain(keys.current.toString("hex"));
  });

  it("generates a different key each time", () => {
    const { logger } = capture();
    const first = resolveMasterKeys({ previousKeys: [] }, logger);
    const second = resolveMasterKeys({ previousKeys: [] }, logger);
    expect(first.current.equals(second.current)).toBe(false);
    expect(first.current.equals(Buffer.alloc(32))).toBe(false);
  });

  it("hands out copies, so the frozen config's keys are never shared", () => {
    const { logger } = capture();
    const security = { masterKey: Buffer.from(KEY), previousKeys: [Buffer.from(OLD_KEY)] };
    const keys = resolveMasterKeys(security, logger);
    keys.current.fill(0);
    keys.previous[0]!.fill(0);
    expect(security.masterKey.equals(KEY)).toBe(true);
    expect(security.previousKeys[0]!.equals(OLD_KEY)).toBe(true);
  });
});

describe("resolveMasterKeys with a development key file", () => {
  it("generates the key once into the file (owner-only) and reads it back on the next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "duka-key-"));
    const keyFile = join(dir, "data", "master.key");
    try {
      const { logger, raw } = capture();
      const first = resolveMasterKeys({ previousKeys: [] }, logger, keyFile);
      const second = resolveMasterKeys({ previousKeys: [] }, logger, keyFile);
      expect(first.generated).toBe(true);
      expect(second.generated).toBe(false);
      expect(second.current.equals(first.current)).toBe(true);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await readFile(keyFile, "utf8")).trim()).toBe(first.current.toString("base64"));
      expect(raw.join("")).toContain(keyFile);
      expect(raw.join("")).not.toContain(first.current.toString("base64"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a damaged key file with a clear message", async () => {
    const dir = await mkdtemp(join(tmpdir(), "duka-key-"));
    const keyFile = join(dir, "master.key");
    try {
      await writeFile(keyFile, "not a key\n");
      expect(() => resolveMasterKeys({ previousKeys: [] }, capture().logger, keyFile)).toThrow(
        /does not hold a 32-byte base64 key: delete it, or set DUKA_MASTER_KEY/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
