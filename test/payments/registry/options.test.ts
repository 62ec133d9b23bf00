/**
 * The options the registry hands the dialogue: one per method, in the words of the plugin of the
 * first active instance serving it — its label, its receipt's name, and what it needs from the
 * shopper under that instance's (non-secret) config.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../../src/log/index.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import type { PaymentPlugin } from "../../../src/payments/plugin.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { makeInstance } from "../../store/fixtures.js";

/** A card provider whose shoppers give their phone number unless the instance knows better. */
const phoneCard: PaymentPlugin = {
  name: "phonecard",
  methods: ["card"],
  configSchema: z.object({ phoneOptional: z.boolean().optional() }),
  label: "Card (PhoneCard)",
  receiptLabel: "PhoneCard slip",
  payer: (config) => ({
    field: "phone",
    prompt: "Which phone number is on your card?",
    ...(config.phoneOptional === true ? { optional: true } : {}),
  }),
  create: () => ({
    initiate: () => Promise.reject(new Error("not called")),
    verify: () => Promise.reject(new Error("not called")),
    parseWebhook: () => Promise.reject(new Error("not called")),
    healthCheck: async () => ({ ok: true }),
  }),
};

const unused = () => Promise.reject(new Error("no instance here shares state"));

let store: Store;
beforeEach(async () => {
  store = await createStore({ mediaDir: `/tmp/duka-options-${randomBytes(4).toString("hex")}` });
});
afterEach(() => store.close());

function registry(plugins: readonly PaymentPlugin[] = [manualPlugin, phoneCard]) {
  return createProviderRegistry({
    plugins,
    instances: store.providers,
    secrets: createSecretBox({ current: randomBytes(32) }),
    publicUrl: "http://localhost:3000",
    // Neither plugin shares state across processes.
    shared: () => ({ get: unused, set: unused, withLock: unused }),
    logger: createLogger({ level: "silent" }),
  });
}

describe("registry.options", () => {
  it("carries each plugin's label, receipt name and payer request; none when a plugin declares none", async () => {
    await store.providers.create(
      makeInstance({ _id: "pi_card", plugin: "phonecard", displayName: "Cards", config: {}, priority: 0 }),
    );
    await store.providers.create(
      makeInstance({
        _id: "pi_manual",
        plugin: "manual",
        displayName: "Transfer",
        config: { instructions: "Pay to Till 123456." },
        priority: 1,
        testMode: true,
      }),
    );
    expect(await registry().options("t1")).toEqual([
      {
        method: "card",
        label: "Card (PhoneCard)",
        receiptLabel: "PhoneCard slip",
        testMode: false,
        payer: { field: "phone", prompt: "Which phone number is on your card?" },
      },
      { method: "manual", label: "Bank transfer / manual", testMode: true },
    ]);
  });

  it("labels each method of a plugin serving several in the plugin's words for it", async () => {
    await store.providers.create(
      makeInstance({ _id: "pi_card", plugin: "phonecard", displayName: "Cards", config: {} }),
    );
    const twoWays: PaymentPlugin = {
      ...phoneCard,
      methods: ["card", "mobile_money"],
      methodLabels: { mobile_money: "M-Pesa (PhoneCard)" },
    };
    const options = await registry([manualPlugin, twoWays]).options("t1");
    expect(options.map(({ method, label }) => ({ method, label }))).toEqual([
      { method: "card", label: "Card (PhoneCard)" },
      { method: "mobile_money", label: "M-Pesa (PhoneCard)" },
    ]);
  });

  it("asks the plugin under the instance's own config", async () => {
    await store.providers.create(
      makeInstance({
        _id: "pi_card",
        plugin: "phonecard",
        displayName: "Cards",
        config: { phoneOptional: true },
      }),
    );
    const [card] = await registry().options("t1");
    expect(card?.payer).toEqual({
      field: "phone",
      prompt: "Which phone number is on your card?",
      optional: true,
    });
  });
});

describe("a page for a method whose first provider prompts the phone", () => {
  const plugin = (name: string, promptsPayer: boolean): PaymentPlugin => ({
    ...phoneCard,
    name,
    methods: ["mobile_money"],
    label: name === "push" ? "M-Pesa" : "M-Pesa (Page)",
    ...(promptsPayer ? { promptsPayer: true } : {}),
  });
  const push = plugin("push", true);
  const page = plugin("page", false);
  const instance = (id: string, name: string, priority: number) =>
    store.providers.create(makeInstance({ _id: id, plugin: name, displayName: name, config: {}, priority }));

  it("is named on the option, as the way to offer when a prompt cannot reach the phone", async () => {
    await instance("pi_push", "push", 0);
    await instance("pi_page", "page", 1);
    expect(await registry([push, page]).options("t1")).toMatchObject([
      {
        method: "mobile_money",
        label: "M-Pesa",
        page: {
          label: "M-Pesa (Page)",
          payer: { field: "phone", prompt: "Which phone number is on your card?" },
        },
      },
    ]);
  });

  it("is not named when the page is itself the first provider, or when none prompts", async () => {
    await instance("pi_page", "page", 0);
    await instance("pi_push", "push", 1);
    const [option] = await registry([push, page]).options("t1");
    expect(option?.label).toBe("M-Pesa (Page)");
    expect(option).not.toHaveProperty("page");
  });
});
