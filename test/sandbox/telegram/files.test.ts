import { GrammyError, InputFile } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { runCleanups } from "../shared-helpers.js";
import { callRaw, createBot, startEmulator, startPolling, tinyPng } from "./helpers.js";

afterEach(runCleanups);

const MB = 1024 * 1024;

describe("Telegram emulator: files", () => {
  it("stores the exact bytes a bot uploads with sendPhoto (multipart InputFile)", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 3001, firstName: "Alice" });
    const receipt = tinyPng("receipt DK-7F3K2");

    const sent = await bot.api.sendPhoto(alice.chatId, new InputFile(receipt, "receipt.png"), {
      caption: "<b>Paid</b>",
      parse_mode: "HTML",
    });
    const stored = await alice.nextMessage();

    expect(Buffer.from(stored.media?.bytes ?? [])).toEqual(receipt);
    expect(stored.media?.kind).toBe("photo");
    expect(stored.text).toBe("Paid");
    expect(sent.caption).toBe("Paid");
    expect(sent.caption_entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
    expect(sent.photo?.at(-1)).toMatchObject({
      file_id: stored.media?.fileId,
      width: 2,
      height: 3,
      file_size: receipt.length,
    });
    expect(emulator.calls("sendPhoto")[0]?.params.photo).toEqual({
      upload: "receipt.png",
      size: receipt.length,
    });
    // The file_id can be sent again, and the bytes downloaded.
    const resent = await bot.api.sendPhoto(alice.chatId, stored.media?.fileId ?? "");
    expect(resent.photo?.at(-1)?.file_id).toBe(stored.media?.fileId);
  });

  it("stores documents with their file name and guessed MIME type", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 3002, firstName: "Alice" });
    const pdf = Buffer.from("%PDF-1.4 invoice");

    const sent = await bot.api.sendDocument(alice.chatId, new InputFile(pdf, "invoice.pdf"));
    expect(sent.document).toMatchObject({
      file_name: "invoice.pdf",
      mime_type: "application/pdf",
      file_size: pdf.length,
    });
    expect(Buffer.from((await alice.nextMessage()).media?.bytes ?? [])).toEqual(pdf);
  });

  it("lets the bot getFile and download a user's photo with the exact bytes", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const downloads: Buffer[] = [];
    bot.on("message:photo", async (ctx) => {
      const largest = ctx.message.photo.at(-1);
      const file = await ctx.api.getFile(largest?.file_id ?? "");
      const response = await fetch(`${emulator.apiRoot}/file/bot${bot.token}/${file.file_path}`);
      downloads.push(Buffer.from(await response.arrayBuffer()));
      await ctx.reply(`Got ${file.file_size} bytes`);
    });
    await startPolling(bot);
    const alice = emulator.user({ id: 3003, firstName: "Alice" });
    const proof = tinyPng("mpesa QK12AB34CD");

    alice.sendPhoto(proof, { caption: "my receipt" });
    await alice.nextMessage(`Got ${proof.length} bytes`);

    expect(downloads).toEqual([proof]);
    const sent = alice.history().find((m) => m.direction === "user");
    const photo = sent?.message.photo;
    expect(photo?.at(-1)).toMatchObject({
      file_id: sent?.media?.fileId,
      width: 2,
      height: 3,
      file_size: proof.length,
    });
    expect(photo?.length).toBeGreaterThanOrEqual(2);
    expect(photo?.length).toBeLessThanOrEqual(3);
  });

  it("refuses getFile for files over 20 MB and for unknown ids", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const outcomes: string[] = [];
    bot.on("message:photo", async (ctx) => {
      try {
        await ctx.api.getFile(ctx.message.photo.at(-1)?.file_id ?? "");
        outcomes.push("ok");
      } catch (error) {
        outcomes.push(
          error instanceof GrammyError ? `${error.error_code} ${error.description}` : String(error),
        );
      }
      await ctx.reply("checked");
    });
    await startPolling(bot);
    const alice = emulator.user({ id: 3004, firstName: "Alice" });

    alice.sendPhoto(tinyPng(), { fileSize: 20 * MB + 1 });
    await alice.nextMessage("checked");
    alice.sendPhoto(tinyPng(), { fileSize: 20 * MB });
    await alice.nextMessage("checked");

    expect(outcomes).toEqual(["400 Bad Request: file is too big", "ok"]);
    await expect(bot.api.getFile("not-a-file")).rejects.toMatchObject({
      description: "Bad Request: invalid file_id",
    });
  });

  it("refuses photo URLs (no internet) and photo file_ids used as documents", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 3005, firstName: "Alice" });
    await expect(bot.api.sendPhoto(alice.chatId, "https://example.com/x.jpg")).rejects.toMatchObject({
      error_code: 400,
      description: "Bad Request: failed to get HTTP URL content",
    });
    const photo = await bot.api.sendPhoto(alice.chatId, new InputFile(tinyPng()));
    await expect(
      bot.api.sendDocument(alice.chatId, photo.photo?.at(-1)?.file_id ?? ""),
    ).rejects.toMatchObject({
      description: "Bad Request: can't use file of type Photo as Document",
    });
  });

  it("serves downloads only for the right token and known paths", async () => {
    const emulator = await startEmulator();
    const alice = emulator.user({ id: 3006, firstName: "Alice" });
    alice.sendDocument(Buffer.from("abc"), { fileName: "a.txt", mimeType: "text/plain" });
    const document = emulator.pendingUpdates()[0]?.message?.document;
    const { body } = await callRaw(emulator, "getFile", { json: { file_id: document?.file_id } });
    const path = (body.result as { file_path: string }).file_path;

    const ok = await fetch(`${emulator.apiRoot}/file/bot${emulator.botToken}/${path}`);
    expect(await ok.text()).toBe("abc");
    expect((await fetch(`${emulator.apiRoot}/file/bot123:wrong/${path}`)).status).toBe(401);
    expect((await fetch(`${emulator.apiRoot}/file/bot${emulator.botToken}/documents/nope.txt`)).status).toBe(
      404,
    );
  });
});
