import { describe, expect, it } from "vitest";
import { z } from "zod";
import { manualPlugin } from "../../src/payments/manual/plugin.js";
import type { PaymentPlugin } from "../../src/payments/plugin.js";
import {
  assertDistinctWebhookSegments,
  webhookPathOf,
  webhookUrlOf,
} from "../../src/payments/plugin-webhook.js";

function pluginWith(name: string, segment: string): PaymentPlugin {
  return {
    name,
    label: name,
    methods: ["card"],
    configSchema: z.object({ token: z.string() }),
    webhook: {
      segment,
      pathParams: ["token"],
      pathValues: (config) => [String(config.token)],
      unauthenticated: "not_found",
      acknowledgement: {},
    },
    create: () => {
      throw new Error("not built in this test");
    },
  };
}

describe("plugin webhook paths", () => {
  it("puts the segment, the instance id and the secret path parts under /webhooks, escaped", () => {
    const plugin = pluginWith("a", "alpha");
    expect(webhookPathOf(plugin, { id: "pi_1", config: { token: "t/1 x" } })).toBe(
      "/webhooks/alpha/pi_1/t%2F1%20x",
    );
    expect(webhookUrlOf("https://shop.example/", plugin, { id: "pi_1", config: { token: "t" } })).toBe(
      "https://shop.example/webhooks/alpha/pi_1/t",
    );
  });

  it("gives no path to a plugin without webhooks", () => {
    expect(webhookPathOf(manualPlugin, { id: "pi_1", config: {} })).toBeUndefined();
  });

  it("refuses two plugins on one segment, and a segment that is not a plain URL word", () => {
    expect(() => assertDistinctWebhookSegments([pluginWith("a", "same"), pluginWith("b", "same")])).toThrow(
      'Plugins "a" and "b" both declare the webhook segment "same"',
    );
    expect(() => assertDistinctWebhookSegments([pluginWith("a", "Bad/Seg")])).toThrow(/use 1 to 40 of a-z/);
    expect(() =>
      assertDistinctWebhookSegments([pluginWith("a", "one"), pluginWith("b", "two")]),
    ).not.toThrow();
  });
});
