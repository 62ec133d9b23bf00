/**
 * Receipt uploads an attacker would send (reliability.md §4 R28, OWASP File Upload Cheat Sheet):
 * other formats under an image's name, a polyglot, a decompression bomb, a photo with GPS EXIF.
 */
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid PNG of `side`×`side` black pixels, 1 bit each: a few kB on the wire, `side`² pixels to
 * decode (20,000² is 400 megapixels, 1.2 GB as RGB).
 */
export function pixelBomb(side = 20_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const pixels = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", pixels),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small real photo in `format`, its colour varied by `seed` so uploads differ. */
export function photo(format: "jpeg" | "png", seed = 0): Promise<Buffer> {
  const image = sharp({
    create: { width: 16, height: 12, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 40 } },
  });
  return (format === "png" ? image.png() : image.jpeg()).toBuffer();
}

/** A JPEG whose EXIF holds a GPS position (Nairobi) and the camera. */
export function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 12, channels: 3, background: "#884422" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "Duka test camera", Model: "R28" },
      IFD3: {
        GPSLatitudeRef: "S",
        GPSLatitude: "1/1 17/1 2/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "36/1 49/1 0/1",
      },
    })
    .toBuffer();
}

/** A ZIP archive's local file header and a little of its data: appended to a JPEG, a polyglot. */
export const ZIP_TAIL = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from("\u0014\u0000\u0000\u0000\u0000\u0000payload.sh#!/bin/sh\necho owned\n", "binary"),
]);

export const HTML = Buffer.from(
  "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
);
export const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);
