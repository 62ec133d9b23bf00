import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tinyJpeg, tinyPdf, tinyPng } from "../../../sandbox/sample-files.js";
import { inspectReceipt } from "../../../src/payments/manual/receipt.js";

describe("inspectReceipt", () => {
  it.each([
    ["a JPEG", tinyJpeg(), "image/jpeg"],
    ["a PNG", tinyPng(), "image/png"],
    ["a PDF", tinyPdf(), "application/pdf"],
  ])("accepts %s by its bytes", async (_name, bytes, mimeType) => {
    const result = await inspectReceipt(bytes);
    expect(result).toEqual({ ok: true, mimeType, sha256: createHash("sha256").update(bytes).digest("hex") });
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("I paid, trust me")],
    ["HTML named like a photo", Buffer.from("<html><script>alert(1)</script></html>")],
    ["a ZIP", Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(40)])],
  ])("refuses %s with a reason for the shopper", async (_name, bytes) => {
    const result = await inspectReceipt(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/photo|empty/i);
  });
});
