import type { Server } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/**
 * How long a stopping server still accepts connections. Closing the listener resets every
 * connection the kernel has queued and Node has not taken yet (a busy process may hold hundreds of
 * milliseconds of them); they are taken, and answered, first.
 */
const ACCEPT_QUEUED_MS = 1_000;

/**
 * Returns how to stop `server` without resetting a request: stop taking connections and resolve
 * once the open ones have ended. Call it when the server starts listening (it watches connections).
 *
 * Node's `server.close()` also ends idle keep-alive connections at once, and a provider that has
 * just sent a webhook on one gets a reset instead of an answer. Here every answer after the drain
 * began says `Connection: close`, and idle connections are left to the keep-alive timeout: clients
 * drop an idle socket before the timeout the server advertises, so none is sending on it by then.
 * A second after that timeout, what is still idle, or connected without ever sending, is ended.
 * The listener itself closes only after ACCEPT_QUEUED_MS.
 */
export function drainable(server: Server): () => Promise<void> {
  const silent = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    silent.add(socket);
    socket.once("close", () => silent.delete(socket));
  });
  server.on("request", (request) => silent.delete(request.socket));
  return async () => {
    server.prependListener("request", (_request, response) => response.setHeader("Connection", "close"));
    await delay(ACCEPT_QUEUED_MS);
    const stragglers = setTimeout(() => {
      for (const socket of silent) socket.destroy();
      server.closeIdleConnections();
    }, server.keepAliveTimeout + 1_000);
    return new Promise((resolve) => {
      // net.Server's close: stop listening, without http.Server's closeIdleConnections().
      NetServer.prototype.close.call(server, () => {
        clearTimeout(stragglers);
        resolve();
      });
    });
  };
}
