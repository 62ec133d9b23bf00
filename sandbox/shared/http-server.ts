import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express, RequestHandler } from "express";

export interface HttpServerHandle {
  readonly origin: string;
  readonly port: number;
  /** Stops accepting, lets answers already being written finish (≤ 1 s), then drops all sockets. */
  close(): Promise<void>;
}

/** How long close() lets tracked answers finish before it drops their sockets. */
const DRAIN_LIMIT_MS = 1000;

/**
 * Counts answers still being written, so close() does not cut them off. An emulator tracks every
 * request (`trackAll`) or only the ones that matter (`track`), e.g. Telegram's method calls.
 */
export class InFlightAnswers {
  private active = 0;
  private readonly idleWaiters = new Set<() => void>();

  track(res: ServerResponse): void {
    this.active++;
    res.on("close", () => {
      this.active--;
      if (this.active === 0) for (const wake of [...this.idleWaiters]) wake();
    });
  }

  readonly trackAll: RequestHandler = (_req, res, next) => {
    this.track(res);
    next();
  };

  /** Resolves when nothing tracked is in flight, or after `limitMs`. */
  drained(limitMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, limitMs);
      const waiters = this.idleWaiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }
}

/** Listens on host/port (0: any free port); close() drains `inFlight`, then ends every socket. */
export async function listenApp(
  app: Express,
  host: string,
  port: number,
  inFlight: InFlightAnswers,
): Promise<HttpServerHandle> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  // Longer than a client's idle keep-alive, so a reused socket is never closed under it.
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  return {
    origin,
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await inFlight.drained(DRAIN_LIMIT_MS);
      server.closeAllConnections();
      await closed;
    },
  };
}
