import { ConfigError } from "../domain/errors.js";
import type { PaymentPlugin } from "./plugin.js";

/** Every provider webhook lives under this path (DESIGN §7). */
export const WEBHOOK_BASE = "/webhooks";

/** Provider events are small JSON or form documents (reliability.md §3.1: about 64 kb). */
export const DEFAULT_WEBHOOK_BODY_BYTES = 64 * 1024;

/** The path providers post an instance's webhooks to; undefined for plugins without webhooks. */
export function webhookPathOf(
  plugin: PaymentPlugin,
  instance: { readonly id: string; readonly config: Readonly<Record<string, unknown>> },
): string | undefined {
  const { webhook } = plugin;
  if (!webhook) return undefined;
  const values = webhook.pathValues?.(instance.config) ?? [];
  return [WEBHOOK_BASE, webhook.segment, instance.id, ...values].map(encodePart).join("/");
}

/** The full URL providers post an instance's webhooks to (`PUBLIC_URL` + its path). */
export function webhookUrlOf(
  publicUrl: string,
  plugin: PaymentPlugin,
  instance: { readonly id: string; readonly config: Readonly<Record<string, unknown>> },
): string | undefined {
  const path = webhookPathOf(plugin, instance);
  return path === undefined ? undefined : `${publicUrl.replace(/\/+$/, "")}${path}`;
}

function encodePart(part: string, index: number): string {
  return index === 0 ? part : encodeURIComponent(part);
}

/** Refuses two plugins answering the same webhook segment: one would never get its events. */
export function assertDistinctWebhookSegments(plugins: readonly PaymentPlugin[]): void {
  const owners = new Map<string, string>();
  for (const plugin of plugins) {
    const segment = plugin.webhook?.segment;
    if (segment === undefined) continue;
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(segment)) {
      throw new ConfigError(
        `Plugin "${plugin.name}" declares the webhook segment "${segment}": use 1 to 40 of a-z, 0-9 and -`,
      );
    }
    const owner = owners.get(segment);
    if (owner !== undefined) {
      throw new ConfigError(
        `Plugins "${owner}" and "${plugin.name}" both declare the webhook segment "${segment}"`,
      );
    }
    owners.set(segment, plugin.name);
  }
}
