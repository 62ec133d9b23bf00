import { createHash } from "node:crypto";
import { createDeflate } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { GPS_PHOTO_CAMERA, jpegWithGps, tinyJpeg, tinyPdf, tinyPng } from "../../../sandbox/sample-files.js";
import { inspectReceipt, MAX_RECEIPT_PIXELS } from "../../../src/payments/manual/receipt.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A complete, valid `side`×`side` black-and-white PNG (1 bit per pixel): a few hundred KB on disk,
 * `side`² pixels once decoded (20000² = 400 megapixels, 1.2 GB as RGB).
 */
async function pixelBomb(side: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter, no interlace
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on("data", (data: Buffer) => compressed.push(data));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  const row = Buffer.alloc(1 + Math.ceil(side / 8)); // filter byte 0, then black pixels
  for (let y = 0; y < side; y++) {
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", Buffer.concat(compressed)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("inspectReceipt", () => {
  it.each([
    ["a JPEG", tinyJpeg(), "image/jpeg"],
    ["a PNG", tinyPng(), "image/png"],
  ])("accepts %s by its bytes and keeps it re-encoded in its own format", async (_name, bytes, mimeType) => {
    const result = await inspectReceipt(bytes);
    expect(result).toMatchObject({ ok: true, mimeType, sha256: sha256(bytes) });
    if (!result.ok) return;
    expect((await sharp(result.bytes).metadata()).format).toBe(mimeType.split("/")[1]);
  });

  it("drops EXIF (GPS position, phone) from a photo and keeps the picture", async () => {
    const photo = await jpegWithGps();
    const before = await sharp(photo).metadata();
    expect(before.exif?.includes(Buffer.from(GPS_PHOTO_CAMERA))).toBe(true);

    const result = await inspectReceipt(photo);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const after = await sharp(result.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(result.bytes.includes(Buffer.from(GPS_PHOTO_CAMERA))).toBe(false);
    expect({ width: after.width, height: after.height, format: after.format }).toEqual({
      width: 200,
      height: 100,
      format: "jpeg",
    });
  });

  it("refuses a pixel bomb (small file, 400 megapixels) without decoding it", async () => {
    const bomb = await pixelBomb(20_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(20_000 * 20_000).toBeGreaterThan(MAX_RECEIPT_PIXELS);
    const peakBefore = process.resourceUsage().maxRSS * 1024;

    const result = await inspectReceipt(bomb);

    expect(result).toEqual({
      ok: false,
      reason:
        "That photo is too large (more than 40 megapixels). Please send a smaller photo of the receipt.",
    });
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
    expect(peakGrowth).toBeLessThan(300 * 1024 * 1024);
  });

  it("keeps a PDF that parses, byte for byte", async () => {
    const document = await PDFDocument.create();
    document.addPage([200, 100]);
    const pdf = Buffer.from(await document.save());
    for (const bytes of [pdf, tinyPdf()]) {
      expect(await inspectReceipt(bytes)).toEqual({
        ok: true,
        mimeType: "application/pdf",
        bytes,
        sha256: sha256(bytes),
      });
    }
  });

  it.each([
    ["a PDF header over garbage", Buffer.from("%PDF-1.7\n<script>alert(1)</script>\n%%EOF\n")],
    [
      "a PDF without pages",
      Buffer.from(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
      ),
    ],
  ])("refuses %s", async (_name, bytes) => {
    expect(await inspectReceipt(bytes)).toEqual({
      ok: false,
      reason: "I could not open that PDF. Please send a photo of the receipt instead.",
    });
  });

  it("refuses a photo whose bytes stop halfway", async () => {
    const photo = await jpegWithGps();
    const result = await inspectReceipt(photo.subarray(0, Math.floor(photo.length / 2)));
    expect(result).toEqual({
      ok: false,
      reason: "I could not open that photo. Please take a new photo of the receipt and send it.",
    });
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("I paid, trust me")],
    ["HTML named like a photo", Buffer.from("<html><script>alert(1)</script></html>")],
    [
      "an SVG named like a photo",
      Buffer.from(
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ),
    ],
    ["a ZIP", Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(40)])],
  ])("refuses %s with a reason for the shopper", async (_name, bytes) => {
    const result = await inspectReceipt(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/photo|empty/i);
  });
});
