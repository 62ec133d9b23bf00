/**
 * Provider secrets at rest: AES-256-GCM under the master key (DUKA_MASTER_KEY), a fresh random
 * 96-bit IV per value, the 128-bit tag checked on every read, and the key's id stored beside
 * each value so old keys can be kept for reading while new values use the current one
 * (rotation). The key id is a hash of a label and the key: it names a key without revealing it.
 *
 * What must stay true: no message, log field or property of anything here carries a plaintext
 * or key bytes; a value whose IV, tag, data or key id was changed in the store never decrypts.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ConfigError, DukaError } from "../../domain/errors.js";
import type { EncryptedSecret, SecretBox } from "./types.js";

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Domain separation: the id hash is never the hash of the bare key. */
const KEY_ID_LABEL = "duka master key id v1\u0000";
const KEY_ID = /^[0-9a-f]{16}$/;

export interface MasterKeys {
  /** New values are encrypted under this key. */
  readonly current: Buffer;
  /** Older keys, still accepted for reading while secrets are re-encrypted (rotation). */
  readonly previous?: readonly Buffer[];
}

/** Why a secret could not be read. */
export type SecretKeyProblem =
  /** Encrypted under a key that is not configured (wrong or missing DUKA_MASTER_KEY). */
  | "unknown_key"
  /** The tag did not match: the stored value was altered or damaged. */
  | "authentication_failed"
  /** Not an encrypted secret at all (missing fields, wrong sizes, not base64). */
  | "malformed";

export interface UnreadableSecret {
  readonly instanceId: string;
  readonly field: string;
  readonly problem: SecretKeyProblem;
  readonly keyId?: string;
}

/**
 * A secret cannot be decrypted. The message says what to do; it never contains a plaintext or a
 * key. `unreadable` lists every field concerned when one check covers several instances.
 */
export class SecretKeyError extends DukaError {
  override name = "SecretKeyError";
  constructor(
    message: string,
    readonly problem: SecretKeyProblem,
    readonly details: { readonly keyId?: string; readonly unreadable?: readonly UnreadableSecret[] } = {},
    options?: { cause?: unknown },
  ) {
    super("config", message, options);
  }

  get keyId(): string | undefined {
    return this.details.keyId;
  }

  get unreadable(): readonly UnreadableSecret[] {
    return this.details.unreadable ?? [];
  }
}

/** The id of a master key: 16 hex characters of sha256(label ‖ key). */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(KEY_ID_LABEL).update(key).digest("hex").slice(0, 16);
}

/**
 * A SecretBox over the current key and any previous ones. Throws ConfigError when a key is not
 * exactly 32 bytes.
 */
export function createSecretBox(keys: MasterKeys): SecretBox {
  const current = copyKey(keys.current, "the current master key");
  const currentId = keyIdOf(current);
  const byId = new Map<string, Buffer>([[currentId, current]]);
  (keys.previous ?? []).forEach((key, index) => {
    const copy = copyKey(key, `previous master key ${index + 1}`);
    const id = keyIdOf(copy);
    if (!byId.has(id)) byId.set(id, copy);
  });

  return {
    keyId: currentId,

    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current, iv, { authTagLength: TAG_BYTES });
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return {
        keyId: currentId,
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        data: data.toString("base64"),
      };
    },

    decrypt(secret) {
      const keyId = (secret as Partial<EncryptedSecret> | null)?.keyId;
      if (typeof keyId !== "string" || !KEY_ID.test(keyId)) {
        throw new SecretKeyError(
          "A stored secret has no valid master key id, so it is not an encrypted secret: re-enter it through the admin API",
          "malformed",
        );
      }
      const key = byId.get(keyId);
      if (key === undefined) {
        throw new SecretKeyError(
          `A stored secret is encrypted under master key ${keyId}, which is not configured: set DUKA_MASTER_KEY to the key it was saved with (or, while rotating, list that old key in DUKA_MASTER_KEY_PREVIOUS)`,
          "unknown_key",
          { keyId },
        );
      }
      const iv = decodeBase64(secret.iv, IV_BYTES);
      const tag = decodeBase64(secret.tag, TAG_BYTES);
      const data = decodeBase64(secret.data);
      if (iv === undefined || tag === undefined || data === undefined) {
        throw new SecretKeyError(
          `A stored secret under master key ${keyId} is malformed (its iv, tag or data is not base64 of the right size): re-enter it through the admin API`,
          "malformed",
          { keyId },
        );
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
      } catch {
        // The cause is left out on purpose: nothing from inside the cipher travels further.
        throw new SecretKeyError(
          `A stored secret under master key ${keyId} failed authentication: it was altered or damaged in the store; re-enter it through the admin API`,
          "authentication_failed",
          { keyId },
        );
      }
    },
  };
}

function copyKey(key: Buffer, what: string): Buffer {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    const size = Buffer.isBuffer(key) ? `${key.length} bytes` : "not a Buffer";
    throw new ConfigError(
      `${what} must be exactly ${KEY_BYTES} bytes (got ${size}); make one with: openssl rand -base64 32`,
    );
  }
  return Buffer.from(key);
}

/**
 * Strict base64: only the canonical encoding is accepted (Node's decoder skips stray characters
 * and ignores padding bits), so any change to a stored string is a change the tag check sees.
 */
function decodeBase64(text: unknown, bytes?: number): Buffer | undefined {
  if (typeof text !== "string") return undefined;
  const decoded = Buffer.from(text, "base64");
  if (decoded.toString("base64") !== text) return undefined;
  if (bytes !== undefined && decoded.length !== bytes) return undefined;
  return decoded;
}
