import { readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalMediaStore } from "../../../src/store/media/local-media-store.js";
import { temporaryDirectory } from "../fixtures.js";

describe("local media store", () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let mediaDir: string;

  beforeEach(() => {
    directory = temporaryDirectory();
    mediaDir = join(directory.path, "media", "receipts");
  });

  afterEach(() => {
    directory.remove();
  });

  it("creates its directory on demand, private to the service", async () => {
    const media = createLocalMediaStore(mediaDir);
    const id = await media.put("t1", Buffer.from("png"), "image/png");
    expect(statSync(mediaDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(mediaDir).sort()).toEqual([id, `${id}.json`]);
    expect(statSync(join(mediaDir, id)).mode & 0o777).toBe(0o600);
  });

  it("issues a fresh id per put", async () => {
    const media = createLocalMediaStore(mediaDir);
    const ids = await Promise.all([1, 2, 3].map(() => media.put("t1", Buffer.from("same"), "image/png")));
    expect(new Set(ids).size).toBe(3);
  });

  it("treats bytes without their sidecar as an interrupted write", async () => {
    const media = createLocalMediaStore(mediaDir);
    const id = await media.put("t1", Buffer.from("pdf"), "application/pdf");
    unlinkSync(join(mediaDir, `${id}.json`));
    expect(await media.get(id)).toBeNull();
  });

  it("refuses ids that could name a path outside the directory", async () => {
    const media = createLocalMediaStore(mediaDir);
    for (const id of ["../../etc/passwd", "med_000000000000000000000000/../../x", "/etc/passwd"]) {
      await expect(media.get(id), id).rejects.toMatchObject({ code: "invalid" });
    }
  });
});
