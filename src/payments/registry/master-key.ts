/**
 * Which master keys this process encrypts and decrypts provider secrets with. Production always
 * has DUKA_MASTER_KEY (the config refuses to start without it); elsewhere a missing key is
 * replaced by a random one that lives only in this process, so development works without setup
 * but knows that what it saves is lost on restart.
 */

import { randomBytes } from "node:crypto";
import type { Config } from "../../config/types.js";
import type { Logger } from "../../log/logger.js";
import { keyIdOf } from "./secrets.js";

export interface ResolvedMasterKeys {
  /** New secrets are encrypted under this key. */
  readonly current: Buffer;
  /** DUKA_MASTER_KEY_PREVIOUS: still accepted for reading (rotation). */
  readonly previous: Buffer[];
  /** True when `current` was generated for this process because DUKA_MASTER_KEY is unset. */
  readonly generated: boolean;
}

/** Pass the result to `createSecretBox`. Logs one warning when it has to generate a key. */
export function resolveMasterKeys(
  security: Config["security"],
  logger: Pick<Logger, "warn">,
): ResolvedMasterKeys {
  const previous = (security.previousKeys ?? []).map((key) => Buffer.from(key));
  if (security.masterKey) {
    return { current: Buffer.from(security.masterKey), previous, generated: false };
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
