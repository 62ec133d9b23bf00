/**
 * Which master keys this process encrypts and decrypts provider secrets with. Production always
 * has DUKA_MASTER_KEY (the config refuses to start without it). Elsewhere a missing key is
 * replaced by a generated one: kept in `keyFile` (beside the development data, so secrets saved
 * in development survive a restart) or, without a file, only for this process.
 */

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../../config/types.js";
import { ConfigError } from "../../domain/errors.js";
import type { Logger } from "../../log/logger.js";
import { keyIdOf } from "./secrets.js";

export interface ResolvedMasterKeys {
  /** New secrets are encrypted under this key. */
  readonly current: Buffer;
  /** DUKA_MASTER_KEY_PREVIOUS: still accepted for reading (rotation). */
  readonly previous: Buffer[];
  /** True when `current` was generated here (just now) because DUKA_MASTER_KEY is unset. */
  readonly generated: boolean;
}

function readKeyFile(keyFile: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(keyFile, "utf8").trim();
  } catch {
    return null;
  }
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) {
    throw new ConfigError(`${keyFile} does not hold a 32-byte base64 key: delete it, or set DUKA_MASTER_KEY`);
  }
  return key;
}

/** Pass the result to `createSecretBox`. Logs one warning when it has to generate a key. */
export function resolveMasterKeys(
  security: Config["security"],
  logger: Pick<Logger, "warn">,
  keyFile?: string,
): ResolvedMasterKeys {
  const previous = (security.previousKeys ?? []).map((key) => Buffer.from(key));
  if (security.masterKey) {
    return { current: Buffer.from(security.masterKey), previous, generated: false };
  }
  if (keyFile) {
    const stored = readKeyFile(keyFile);
    const current = stored ?? randomBytes(32);
    if (!stored) {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, `${current.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    }
    logger.warn(
      { keyFile, keyId: keyIdOf(current) },
      "DUKA_MASTER_KEY is not set: provider secrets are encrypted under the development key in this file. Production needs DUKA_MASTER_KEY (make one with: openssl rand -base64 32)",
    );
    return { current, previous, generated: !stored };
  }
  const current = randomBytes(32);
  // The key id is a one-way hash: it lets an operator recognise later "encrypted under master
  // key …" errors as this temporary key without revealing it.
  logger.warn(
    { temporaryKeyId: keyIdOf(current) },
    "DUKA_MASTER_KEY is not set: provider secrets are encrypted under a temporary key that will not survive a restart, so secrets saved now become unreadable after one. Set DUKA_MASTER_KEY (make one with: openssl rand -base64 32)",
  );
  return { current, previous, generated: true };
}
