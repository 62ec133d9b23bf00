import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

const cleanups: Array<() => unknown> = [];

/** Registers a cleanup; `runCleanups` (afterEach) runs them newest first. */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}

/** Closes an emulator (or anything closable) in runCleanups; returns it, for `closeAfterTest(await …)`. */
export function closeAfterTest<T extends { close(): unknown }>(closable: T): T {
  onCleanup(() => closable.close());
  return closable;
}

/** Listens on a random local port and returns the origin; closed by runCleanups. */
export async function listen(app: Express): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
