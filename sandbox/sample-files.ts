/** Small real files for emulated shoppers (demo and tests): enough bytes for type sniffing. */

import sharp from "sharp";

/** The phone that took `jpegWithGps`, as its EXIF names it. */
export const GPS_PHOTO_CAMERA = "ShopperPhone";

/** A 200×100 JPEG whose EXIF says where it was taken (Nairobi) and on which phone. */
export function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 3, background: "#c8c8c8" } })
    .jpeg()
    .withExif({
      IFD0: { Make: GPS_PHOTO_CAMERA, Model: "X1" },
      IFD3: {
        GPSLatitudeRef: "S",
        GPSLatitude: "1/1 17/1 0/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "36/1 49/1 0/1",
      },
    })
    .toBuffer();
}

/** A 1×1 JPEG that decodes (receipts are re-encoded, so sample photos must be real images). */
export function tinyJpeg(): Buffer {
  return Buffer.from(
    "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AKQAH//Z",
    "base64",
  );
}

/** A 1×1 PNG. */
export function tinyPng(): Buffer {
  return Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  );
}

/** A minimal one-page PDF. */
export function tinyPdf(): Buffer {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  );
}
