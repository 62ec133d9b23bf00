import express, { type Router } from "express";
import type { Logger } from "pino";
import { errorHandler, notFound } from "./errors.js";
import type { Metrics } from "./metrics.js";

/** A named readiness check: resolves to null when healthy, or to what is wrong. */
export type ReadinessCheck = () => Promise<string | null>;

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Proxies in front of us whose X-Forwarded-For counts (TRUST_PROXY); 0 trusts none. */
  readonly trustProxy?: number;
  /** Informational readiness details (provider health): shown, never failing readiness. */
  readonly details?: Readonly<Record<string, () => Promise<unknown>>>;
  /** Routers to mount before the JSON 404: webhooks (src/webhooks/) and the admin API. */
  readonly routes?: readonly { readonly path: string; readonly router: Router }[];
}

const CHECK_TIMEOUT_MS = 3_000;

async function runCheck(check: ReadinessCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check().catch((error: unknown) => String(error instanceof Error ? error.message : error)),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  if (options.trustProxy) app.set("trust proxy", options.trustProxy);

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });

  app.get("/readyz", async (_request, response) => {
    const names = Object.keys(options.readiness);
    const results = await Promise.all(names.map((name) => runCheck(options.readiness[name]!)));
    const checks = Object.fromEntries(
      names.map((name, index) => [
        name,
        results[index] ? { ok: false, problem: results[index] } : { ok: true },
      ]),
    );
    const ready = results.every((problem) => problem === null);
    const detailNames = Object.keys(options.details ?? {});
    const detailValues = await Promise.all(
      detailNames.map((name) =>
        options.details![name]!().catch((error: unknown) => ({ error: String(error) })),
      ),
    );
    const details = Object.fromEntries(detailNames.map((name, index) => [name, detailValues[index]]));
    response.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      checks,
      ...(detailNames.length > 0 ? { details } : {}),
    });
  });

  app.get("/metrics", async (_request, response) => {
    response.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  for (const { path, router } of options.routes ?? []) app.use(path, router);

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
