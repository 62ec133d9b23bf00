import { afterEach, describe, expect, it } from "vitest";
import { runCleanups } from "../shared-helpers.js";
import { callRaw, startEmulator } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: HTTP surface of the Bot API", () => {
  it("answers 401 Unauthorized for an unknown token", async () => {
    const emulator = await startEmulator();
    const { status, body } = await callRaw(emulator, "getMe", { token: "123:not-the-token" });
    expect(status).toBe(401);
    expect(body).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("answers 404 for unknown methods and paths", async () => {
    const emulator = await startEmulator();
    expect(await callRaw(emulator, "sendInvoiceToMars")).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
    const other = await fetch(`${emulator.apiRoot}/nothing-here`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("treats method names case-insensitively and logs the canonical name", async () => {
    const emulator = await startEmulator({ botUsername: "shop_bot", botToken: "42:abc" });
    const { status, body } = await callRaw(emulator, "GETme");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, result: { id: 42, is_bot: true, username: "shop_bot" } });
    expect(emulator.calls("getMe").map((c) => c.method)).toEqual(["getMe"]);
  });

  it("accepts parameters as a query string, urlencoded body or JSON", async () => {
    const emulator = await startEmulator();
    const alice = emulator.user({ id: 6001, firstName: "Alice" });
    await callRaw(emulator, "sendMessage", { query: { chat_id: "6001", text: "from query" } });
    await callRaw(emulator, "sendMessage", {
      form: { chat_id: "6001", text: "from form", parse_mode: "HTML" },
    });
    const json = await callRaw(emulator, "sendMessage", {
      json: {
        chat_id: 6001,
        text: "from json",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
      },
    });
    expect(json.body).toMatchObject({
      ok: true,
      result: { text: "from json", reply_markup: { inline_keyboard: [[{ text: "A" }]] } },
    });
    expect(alice.messages().map((m) => m.text)).toEqual(["from query", "from form", "from json"]);
  });

  it("answers setWebhook and deleteWebhook with Telegram's descriptions", async () => {
    const emulator = await startEmulator();
    expect((await callRaw(emulator, "deleteWebhook")).body).toEqual({
      ok: true,
      result: true,
      description: "Webhook is already deleted",
    });
    expect((await callRaw(emulator, "setWebhook", { json: { url: "http://127.0.0.1:1/x" } })).body).toEqual({
      ok: true,
      result: true,
      description: "Webhook was set",
    });
    expect(
      (
        await callRaw(emulator, "setWebhook", {
          json: { url: "http://127.0.0.1:1/x", secret_token: "bad token!" },
        })
      ).body,
    ).toMatchObject({
      ok: false,
      error_code: 400,
    });
    expect((await callRaw(emulator, "deleteWebhook")).body).toMatchObject({
      description: "Webhook was deleted",
    });
  });

  it("ends a held getUpdates with 409 when a webhook is set", async () => {
    const emulator = await startEmulator();
    const held = callRaw(emulator, "getUpdates", { json: { timeout: 30 } });
    await emulator.waitForPoll();
    await callRaw(emulator, "setWebhook", { json: { url: "http://127.0.0.1:1/x" } });
    expect(await held).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: "Conflict: terminated by setWebhook request" },
    });
  });

  it("emits request and response events for every call", async () => {
    const emulator = await startEmulator();
    const seen: string[] = [];
    emulator.on("request", (call) => seen.push(`request ${call.method}`));
    emulator.on("response", (call) => seen.push(`response ${call.method} ${call.status}`));
    await callRaw(emulator, "getMe");
    expect(seen).toEqual(["request getMe", "response getMe 200"]);
  });
});
