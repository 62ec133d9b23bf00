import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";

/** What a receipt may be: photos and PDFs, judged by their bytes, never by a declared type or name. */
export const RECEIPT_MIME_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/webp",
  "application/pdf",
]);

/**
 * The largest photo decoded, in pixels (40 megapixels: above any phone camera). A small file can
 * declare a huge image (a decompression bomb): the header is checked before any pixel is decoded,
 * and sharp's `limitInputPixels` holds the same line while decoding.
 */
export const MAX_RECEIPT_PIXELS = 40_000_000;

export type ReceiptInspection =
  | {
      readonly ok: true;
      readonly mimeType: string;
      /** What to store and forward: a re-encoded photo without metadata, or the PDF as sent. */
      readonly bytes: Buffer;
      /** Of the bytes as sent, so the same upload is recognized again (receipt reuse). */
      readonly sha256: string;
    }
  | { readonly ok: false; readonly reason: string };

const NOT_A_RECEIPT = "That file is not a photo or a PDF. Please send a photo (or PDF) of the receipt.";
const UNREADABLE_PHOTO = "I could not open that photo. Please take a new photo of the receipt and send it.";
const TOO_MANY_PIXELS = `That photo is too large (more than ${MAX_RECEIPT_PIXELS / 1_000_000} megapixels). Please send a smaller photo of the receipt.`;
const UNREADABLE_PDF = "I could not open that PDF. Please send a photo of the receipt instead.";

/**
 * Checks a receipt by its bytes and makes it safe to keep and to show a merchant: photos are
 * decoded and re-encoded in their own format, which drops EXIF (GPS position, device) and anything
 * hidden after the image; PDFs are kept only when a PDF parser reads at least one page.
 */
export async function inspectReceipt(bytes: Buffer): Promise<ReceiptInspection> {
  if (bytes.length === 0) return { ok: false, reason: "The file was empty." };
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !RECEIPT_MIME_TYPES.has(detected.mime)) return { ok: false, reason: NOT_A_RECEIPT };
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const kept =
    detected.mime === "application/pdf"
      ? await checkedPdf(bytes)
      : await reencodedPhoto(bytes, detected.mime);
  return typeof kept === "string"
    ? { ok: false, reason: kept }
    : { ok: true, mimeType: detected.mime, bytes: kept, sha256 };
}

/** The photo re-encoded without metadata, upright (EXIF orientation applied first), or why not. */
async function reencodedPhoto(bytes: Buffer, mimeType: string): Promise<Buffer | string> {
  const options = { limitInputPixels: MAX_RECEIPT_PIXELS, failOn: "error" } as const;
  try {
    const { width = 0, height = 0 } = await sharp(bytes, options).metadata();
    if (width * height > MAX_RECEIPT_PIXELS) return TOO_MANY_PIXELS;
    const image = sharp(bytes, options).rotate();
    if (mimeType === "image/png") return await image.png().toBuffer();
    if (mimeType === "image/webp") return await image.webp({ quality: 85 }).toBuffer();
    return await image.jpeg({ quality: 85 }).toBuffer();
  } catch (error) {
    return /pixel limit/i.test(String(error)) ? TOO_MANY_PIXELS : UNREADABLE_PHOTO;
  }
}

/** The PDF as sent when it parses with at least one page, or why not. */
async function checkedPdf(bytes: Buffer): Promise<Buffer | string> {
  try {
    const document = await PDFDocument.load(bytes, { updateMetadata: false });
    return document.getPageCount() > 0 ? bytes : UNREADABLE_PDF;
  } catch {
    return UNREADABLE_PDF;
  }
}
