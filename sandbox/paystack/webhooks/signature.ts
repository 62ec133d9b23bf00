import { createHmac, randomBytes } from "node:crypto";
import { PaystackEmulatorError } from "../errors.js";
import type { SignMode } from "../types.js";

/** Paystack's `x-paystack-signature`: hex HMAC-SHA512 of the exact body bytes, keyed with the secret key. */
export function paystackSignature(body: string | Uint8Array, secretKey: string): string {
  return createHmac("sha512", secretKey).update(body).digest("hex");
}

const FORGERY_KEY = "sk_test_0000000000000000000000000000000000forged";

export interface SignedBody {
  /** What goes on the wire. */
  readonly bytes: Buffer;
  /** The header value; undefined = no header. */
  readonly signature: string | undefined;
}

/** Applies a `SignMode` to the bytes Paystack would send (see `SignMode` for each mode). */
export function signBody(bytes: Buffer, secretKey: string, mode: SignMode): SignedBody {
  const right = () => paystackSignature(bytes, secretKey);
  switch (mode) {
    case "right":
      return { bytes, signature: right() };
    case "wrong-key":
      return { bytes, signature: paystackSignature(bytes, FORGERY_KEY) };
    case "reserialized": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString("utf8"));
      } catch (error) {
        throw new PaystackEmulatorError("invalid_use", "signWith 'reserialized' needs a JSON body", {
          cause: error,
        });
      }
      const pretty = Buffer.from(JSON.stringify(parsed, null, 2), "utf8");
      if (pretty.equals(bytes)) {
        throw new PaystackEmulatorError(
          "invalid_use",
          "signWith 'reserialized': the body is already pretty-printed",
        );
      }
      return { bytes: pretty, signature: right() };
    }
    case "other-body":
      return { bytes, signature: paystackSignature(Buffer.concat([bytes, Buffer.from(" ")]), secretKey) };
    case "sha256":
      return { bytes, signature: createHmac("sha256", secretKey).update(bytes).digest("hex") };
    case "uppercase":
      return { bytes, signature: right().toUpperCase() };
    case "truncated":
      return { bytes, signature: right().slice(0, 64) };
    case "random":
      return { bytes, signature: randomBytes(64).toString("hex") };
    case "empty":
      return { bytes, signature: "" };
    case "none":
      return { bytes, signature: undefined };
  }
}
