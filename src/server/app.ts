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
  /** Webhook routes (src/webhooks/), mounted before the JSON 404. */
  readonly webhooks?: readonly Router[];
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
    response.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", checks });
  });

  app.get("/metrics", async (_request, response) => {
    response.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  for (const routes of options.webhooks ?? []) app.use(routes);

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
