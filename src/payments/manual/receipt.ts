import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";

/** What a receipt may be: photos and PDFs, judged by their bytes, never by a declared type or name. */
export const RECEIPT_MIME_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/webp",
  "application/pdf",
]);

export type ReceiptInspection =
  | { readonly ok: true; readonly mimeType: string; readonly sha256: string }
  | { readonly ok: false; readonly reason: string };

export async function inspectReceipt(bytes: Buffer): Promise<ReceiptInspection> {
  if (bytes.length === 0) return { ok: false, reason: "The file was empty." };
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !RECEIPT_MIME_TYPES.has(detected.mime)) {
    return {
      ok: false,
      reason: "That file is not a photo or a PDF. Please send a photo (or PDF) of the receipt.",
    };
  }
  return { ok: true, mimeType: detected.mime, sha256: createHash("sha256").update(bytes).digest("hex") };
}
