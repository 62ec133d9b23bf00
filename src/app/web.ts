/** The `web` role: health and metrics, payment and channel webhooks, and the admin API. */
import type { Server } from "node:http";
import { createProviderAdmin } from "../payments/registry/admin.js";
import { createProviderStats } from "../payments/routing/provider-stats.js";
import { ADMIN_BASE, createAdminRoutes } from "../server/admin/index.js";
import { createHttpApp } from "../server/app.js";
import { drainable } from "../server/drain.js";
import { paymentWebhookRoutes } from "../webhooks/payment-webhooks.js";
import type { Core } from "./core.js";

/** Serves HTTP on PORT until the core closes; resolves once listening. */
export async function startWeb(core: Core): Promise<Server> {
  const { config, store, registry, intake, tenantId } = core;
  const open = (name: string) => core.channels.find(({ definition }) => definition.name === name)?.runtime;
  const app = createHttpApp({
    logger: core.logger,
    trustProxy: config.http.trustProxy,
    metrics: core.metrics,
    readiness: {
      redis: async () => ((await core.producer.ping()) === "PONG" ? null : "Redis did not answer PING"),
      store: async () => {
        await store.ping();
        return null;
      },
      ...Object.fromEntries(
        core.channels.flatMap(({ definition, runtime }) =>
          runtime.readiness ? [[definition.name, runtime.readiness]] : [],
        ),
      ),
    },
    details: {
      ...Object.fromEntries(
        core.channels.flatMap(({ definition, runtime }) =>
          runtime.details ? [[definition.name, runtime.details]] : [],
        ),
      ),
      providers: async () =>
        (await store.providers.list({ tenantId })).map((instance) => ({
          id: instance._id,
          plugin: instance.plugin,
          displayName: instance.displayName,
          active: instance.active,
          health: instance.health,
        })),
    },
    routes: [
      { path: "/", router: paymentWebhookRoutes({ intake, pluginForWebhook: registry.pluginForWebhook }) },
      ...core.channels.flatMap(({ runtime }) =>
        runtime.routes ? [{ path: "/", router: runtime.routes() }] : [],
      ),
      ...(config.admin
        ? [
            {
              path: ADMIN_BASE,
              router: createAdminRoutes(
                createProviderAdmin({
                  registry,
                  instances: store.providers,
                  secrets: core.secrets,
                  changes: core.changes,
                  health: core.health,
                  audit: store.audit,
                  publicUrl: config.http.publicUrl,
                  defaultTenantId: tenantId,
                }),
                {
                  token: config.admin.token,
                  refunds: core.refunds,
                  deliveries: core.deliveries,
                  receivedMoney: core.receivedMoney,
                  tenantId,
                  stats: createProviderStats({ instances: store.providers, payments: store.payments }),
                  // A channel that is off may still answer its admin routes, to say so.
                  channelRoutes: core.definitions.flatMap((definition) => {
                    const runtime = open(definition.name);
                    const routes = runtime ? runtime.adminRoutes?.() : definition.offAdminRoutes?.();
                    return routes ? [routes] : [];
                  }),
                },
              ),
            },
          ]
        : []),
    ],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.http.port, () => resolve(listening));
    listening.once("error", reject);
  });
  core.closers.push(drainable(server));
  return server;
}
