/**
 * Webhook mode: Telegram posts updates to POST /webhooks/telegram with the secret header. A
 * redelivered update (same update_id) is answered once; a wrong secret or a bad body changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/free-port.js";
import { startTestShop, type TestShop } from "../helpers/shop.js";

const SECRET = "webhook-secret_0123456789";
let shop: TestShop;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/webhooks/telegram`;
  shop = await startTestShop({
    env: {
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
});

afterAll(async () => {
  await shop.stop();
});

function post(body: string, secret?: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body,
  });
}

const update = (updateId: number, chatId: number, text: string) =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Wanjiru" },
      from: { id: chatId, is_bot: false, first_name: "Wanjiru" },
      text,
    },
  });

describe("Telegram webhook mode", () => {
  it("registers the webhook with its secret and serves the shop through it", async () => {
    expect(shop.emulator.webhook()).toMatchObject({ url, secretToken: SECRET });
    const shopper = shop.shopper(4001);
    shopper.sendText("/start");
    expect((await shopper.nextMessage(/Choose a product/)).text).toContain("Mama Mboga");
  });

  it("answers an update delivered twice only once", async () => {
    const shopper = shop.shopper(4002);
    const first = await post(update(900_001, 4002, "/start"), SECRET);
    const again = await post(update(900_001, 4002, "/start"), SECRET);
    expect([first.status, again.status]).toEqual([200, 200]);
    await shopper.nextMessage(/Choose a product/);
    const next = await post(update(900_002, 4002, "/help"), SECRET);
    expect(next.status).toBe(200);
    await shopper.nextMessage(/\/orders/);
    expect(shopper.messages().filter((message) => message.text?.includes("Choose a product"))).toHaveLength(
      1,
    );
  });

  it("refuses a missing or wrong secret with 401 and acts on nothing", async () => {
    const shopper = shop.shopper(4003);
    expect((await post(update(900_101, 4003, "/start"))).status).toBe(401);
    expect((await post(update(900_102, 4003, "/start"), "wrong-secret")).status).toBe(401);
    expect((await post(update(900_103, 4003, "/help"), SECRET)).status).toBe(200);
    await shopper.nextMessage(/Welcome/);
    expect(shopper.messages()).toHaveLength(1);
  });

  it("answers a malformed body with a JSON 400", async () => {
    const response = await post("{not json", SECRET);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
  });
});
