/**
 * Provider plugins end to end: instances created through the admin API, fallback between two
 * instances of a real HTTP plugin, secrets never stored or logged in clear text, a wrong master
 * key refused at start, health alerts, and a change in one process taking effect in another.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { join } from "node:path";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDuka, type Duka } from "../../src/app.js";
import { deterministicId } from "../../src/domain/ids.js";
import { captureLogs } from "../helpers/logs.js";
import { orderByTransfer, startTestShop, storedText, type TestShop, testConfig } from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const API_KEY = "sk_live_SUPERSECRETVALUE123456789";
const masterKey = () => randomBytes(32).toString("base64");

/** The provider the test plugin talks to: per-path status codes, and what it was sent. */
function startProvider() {
  const status: Record<string, { initiate: number; health: number }> = {};
  const authorizations: string[] = [];
  const app = express();
  app.use((request, _response, next) => {
    authorizations.push(request.headers.authorization ?? "");
    next();
  });
  app.post("/:name/initiate", (request, response) => {
    const code = status[request.params.name]?.initiate ?? 200;
    if (code === 200) response.json({ reference: `ref-${request.params.name}` });
    else response.status(code).json({ error: "down" });
  });
  app.get("/:name/health", (request, response) => {
    response.status(status[request.params.name]?.health ?? 200).end();
  });
  return new Promise<{
    url: string;
    status: typeof status;
    authorizations: string[];
    close(): Promise<void>;
  }>((resolve) => {
    const server: Server = app.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      resolve({
        url,
        status,
        authorizations,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function admin(duka: Duka) {
  const base = `http://127.0.0.1:${duka.port()}/admin/api`;
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };
}

describe("provider plugins through the registry", () => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let shop: TestShop;
  const logs = captureLogs();
  const key = masterKey();

  beforeAll(async () => {
    provider = await startProvider();
    shop = await startTestShop({
      env: {
        ADMIN_TOKEN,
        DUKA_MASTER_KEY: key,
        PAYMENT_PLUGINS: join(process.cwd(), "test/fixtures/transfer-plugin.ts"),
      },
      logger: logs.logger,
    });
  });

  afterAll(async () => {
    await shop.stop();
    await provider.close();
  });

  it("falls back to the next instance when the first fails, and records both attempts", async () => {
    const call = admin(shop.duka);
    provider.status.first = { initiate: 503, health: 200 };
    const first = await call("POST", "/providers", {
      plugin: "test-transfer",
      displayName: "Bank A",
      priority: 10,
      config: { endpoint: `${provider.url}/first`, apiKey: API_KEY, instructions: "Pay to bank A" },
    });
    const second = await call("POST", "/providers", {
      plugin: "test-transfer",
      displayName: "Bank B",
      priority: 20,
      config: { endpoint: `${provider.url}/second`, apiKey: API_KEY, instructions: "Pay to bank B" },
    });
    expect([first.status, second.status]).toEqual([201, 201]);

    const { ref, placed } = await orderByTransfer(shop.shopper(9101), "Sukuma");
    expect(placed.text).toContain("Pay to bank B");
    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
    expect(payment?.instanceId).toBe(second.json!.id);
    expect(payment?.providerRef).toBe("ref-second");
    expect(
      payment?.attempts?.map(({ instanceId, ok, error }) => ({ instanceId, ok, code: error?.code })),
    ).toEqual([
      { instanceId: first.json!.id, ok: false, code: "unavailable" },
      { instanceId: second.json!.id, ok: true, code: undefined },
    ]);
    // The plugin got the decrypted key.
    expect(provider.authorizations).toContain(`Bearer ${API_KEY}`);
  });

  it("never stores, returns or logs a secret in clear text", async () => {
    const listed = await admin(shop.duka)("GET", "/providers");
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(API_KEY);
    expect(listed.text).toContain("sk_live_…6789");
    const stored = await storedText(shop.config);
    expect(stored).toContain("secrets");
    expect(stored).not.toContain(API_KEY);
    expect(logs.text()).toContain("provider instance");
    expect(logs.text()).not.toContain(API_KEY);
  });

  it("alerts the merchants once when an instance turns unhealthy and once when it recovers", async () => {
    const call = admin(shop.duka);
    provider.status.flaky = { initiate: 200, health: 503 };
    const created = await call("POST", "/providers", {
      plugin: "test-transfer",
      displayName: "Flaky bank",
      priority: 30,
      config: { endpoint: `${provider.url}/flaky`, apiKey: API_KEY, instructions: "Pay to flaky" },
    });
    const id = created.json!.id as string;
    expect((await call("POST", `/providers/${id}/health`)).json).toMatchObject({
      health: { status: "unhealthy" },
    });
    await shop.merchant.nextMessage(/Flaky bank.*is not working/);
    expect((await call("POST", `/providers/${id}/health`)).json).toMatchObject({
      health: { status: "unhealthy" },
    });
    provider.status.flaky = { initiate: 200, health: 200 };
    expect((await call("POST", `/providers/${id}/health`)).json).toMatchObject({
      health: { status: "healthy" },
    });
    await shop.merchant.nextMessage(/Flaky bank.*works again/);
    const alerts = shop.merchant.messages().filter((message) => message.text?.includes("Flaky bank"));
    expect(alerts).toHaveLength(2);
    const ready = await fetch(`http://127.0.0.1:${shop.duka.port()}/readyz`);
    const body = (await ready.json()) as {
      details: { providers: { id: string; health: { status: string } }[] };
    };
    expect(body.details.providers.find((instance) => instance.id === id)?.health.status).toBe("healthy");
  });

  it("serves a loaded plugin's webhooks at the URL the admin API shows", async () => {
    const call = admin(shop.duka);
    const created = await call("POST", "/providers", {
      plugin: "test-transfer",
      displayName: "Bank with notices",
      config: { endpoint: `${provider.url}/notices`, apiKey: API_KEY, instructions: "Pay to bank N" },
    });
    const url = String(created.json!.webhookUrl);
    expect(url).toBe(`${shop.config.http.publicUrl}/webhooks/test-transfer/${created.json!.id}`);
    const local = url.replace(shop.config.http.publicUrl, `http://127.0.0.1:${shop.duka.port()}`);
    const body = JSON.stringify({
      id: `evt-${randomBytes(4).toString("hex")}`,
      transfer: { reference: "ref-notices", status: "received", amount: 100, currency: "KES" },
    });
    const post = (target: string, signature: string, payload = body) =>
      fetch(target, { method: "POST", body: payload, headers: { "x-transfer-signature": signature } });
    const signed = createHmac("sha256", API_KEY).update(body).digest("hex");

    const answers = [await post(local, signed), await post(local, signed)];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await answers[0]!.json()).toEqual({ ok: true });
    const row = await shop.duka.store.inbox.findById(
      deterministicId("ibx", "test-transfer", JSON.parse(body).id),
    );
    expect(row).toMatchObject({ provider: "test-transfer", instanceId: created.json!.id });

    // The plugin's own rules: a bad signature is 401, a garbled body 400, an unknown instance 404.
    const forged = await post(local, "00".repeat(32));
    const garbled = "not json";
    const garbledAnswer = await post(
      local,
      createHmac("sha256", API_KEY).update(garbled).digest("hex"),
      garbled,
    );
    const unknown = await post(local.replace(String(created.json!.id), "pi_nobody"), signed);
    expect([forged.status, garbledAnswer.status, unknown.status]).toEqual([401, 400, 404]);
  });

  it("refuses to start with a master key that cannot read the stored secrets", async () => {
    const wrongKey = testConfig({
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name === "REDIS_URL")),
      DUKA_MASTER_KEY: masterKey(),
      DUKA_DATA_DIR: shop.config.storage.dataDir,
      QUEUE_PREFIX: `${shop.config.queue.prefix}-wrong`,
      PAYMENT_PLUGINS: join(process.cwd(), "test/fixtures/transfer-plugin.ts"),
    });
    // The running shop holds the embedded store's files; a second process reads them as they are.
    const duka = await createDuka({ config: wrongKey, role: "worker", store: shop.duka.store });
    await expect(duka.start()).rejects.toThrow(/master key/i);
    await duka.stop();
  });
});

describe("a change in one process reaches the others", () => {
  const running: Duka[] = [];
  let shop: TestShop;

  afterEach(async () => {
    for (const duka of running.splice(0)) await duka.stop();
    await shop.stop();
  });

  it("deactivating an instance through process A stops process B offering it; reactivating brings it back", async () => {
    // Process B is the test shop (role all); process A shares its store and Redis and serves the admin API.
    shop = await startTestShop({ env: { ADMIN_TOKEN, DUKA_MASTER_KEY: masterKey() } });
    const { telegram: _telegram, ...sections } = shop.config.sections;
    const processA = await createDuka({
      config: { ...shop.config, sections },
      role: "web",
      store: shop.duka.store,
    });
    await processA.start();
    running.push(processA);
    const call = admin(processA);
    const [manual] = (
      (await call("GET", "/providers")).json as unknown as { id: string; plugin: string }[]
    ).filter((instance) => instance.plugin === "manual");

    const shopper = shop.shopper(9201);
    shopper.sendText("/start");
    const catalog = await shopper.nextMessage(/Choose a product/);
    shopper.pressButton(catalog, catalog.buttons.find((b) => b.text.includes("Sukuma"))!.callback_data!);
    shopper.pressButton(await shopper.nextMessage(/How many/), "q:SUKUMA:1");
    const added = await shopper.nextMessage(/Added/);

    const dropped = new Promise((resolve) => shop.duka.providers.events.once("invalidated", resolve));
    expect((await call("POST", `/providers/${manual!.id}/deactivate`)).status).toBe(200);
    await withinTwoSeconds(dropped);
    shopper.pressButton(added, "checkout");
    const none = await shopper.nextMessage(/pay/i);
    expect(none.buttons.some((b) => b.text.includes("Bank transfer"))).toBe(false);

    const restored = new Promise((resolve) => shop.duka.providers.events.once("invalidated", resolve));
    expect((await call("POST", `/providers/${manual!.id}/activate`)).status).toBe(200);
    await withinTwoSeconds(restored);
    shopper.sendText("/cart");
    const cart = await shopper.nextMessage(/Your cart/);
    shopper.pressButton(cart, "checkout");
    const options = await shopper.nextMessage(/How would you like to pay/);
    expect(options.buttons.some((b) => b.text.includes("Bank transfer"))).toBe(true);
  });
});

async function withinTwoSeconds(event: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    event,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error("the change did not arrive within 2 s")), 2_000);
    }),
  ]).finally(() => clearTimeout(timer));
}
