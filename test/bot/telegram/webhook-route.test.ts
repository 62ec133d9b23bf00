import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRoutes } from "../../../src/bot/telegram/webhook-route.js";
import { errorHandler } from "../../../src/server/errors.js";

const handled: unknown[] = [];
let server: ReturnType<express.Express["listen"]>;
let url: string;

beforeAll(async () => {
  const app = express();
  app.use(
    telegramWebhookRoutes((request, response) => {
      handled.push(request.body);
      response.sendStatus(200);
    }),
  );
  app.use(errorHandler(pino({ level: "silent" })));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TELEGRAM_WEBHOOK_PATH}`;
});

afterAll(() => {
  server.close();
});

const UPDATE = {
  update_id: 7,
  message: {
    message_id: 1,
    date: 1,
    chat: { id: 5, type: "private" },
    from: { id: 5, is_bot: false },
    text: "/help",
  },
  edited_message: { anything: "a newer Bot API might add" },
};

const post = (body: string, contentType = "application/json") =>
  fetch(url, { method: "POST", headers: { "content-type": contentType }, body });

describe("the Telegram webhook route", () => {
  it("refuses bodies that are not an update with 400, before the bot sees them", async () => {
    const bodies = ["5", "null", "[]", '"text"', "{}", '{"update_id":"1"}', '{"update_id":1.5}'];
    for (const body of bodies) expect((await post(body)).status, body).toBe(400);
    expect((await post('{"update_id":1}', "text/plain")).status).toBe(400);
    expect(handled).toEqual([]);
  });

  it("passes an update on to the bot's handler", async () => {
    expect((await post(JSON.stringify(UPDATE))).status).toBe(200);
    expect(handled).toEqual([UPDATE]);
  });
});

describe("an update with fields of the wrong type", () => {
  it("is refused with 400", async () => {
    const bodies = [
      { update_id: 1, message: true },
      { update_id: 2, message: { chat: 5, text: "/help" } },
      { update_id: 3, message: { chat: { id: 1, type: "private" }, text: false } },
      { update_id: 4, message: { chat: { id: 1, type: "private" }, photo: [{ file_id: 9 }] } },
      { update_id: 5, callback_query: { id: "q", from: { id: "x" }, data: "m:ok" } },
    ];
    for (const body of bodies)
      expect((await post(JSON.stringify(body))).status, JSON.stringify(body)).toBe(400);
    expect(handled).toEqual([UPDATE]);
  });
});
