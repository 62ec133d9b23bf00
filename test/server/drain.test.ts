/** drainable: a web process stopping while providers still send on kept-alive connections. */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { drainable } from "../../src/server/drain.js";

let server: Server;
let drain: () => Promise<void>;
let socket: Socket | undefined;

afterEach(() => {
  socket?.destroy();
  server.closeAllConnections();
  server.close();
});

async function listen(): Promise<number> {
  server = createServer((_request, response) => response.end("ok"));
  drain = drainable(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** Sends one keep-alive request on the socket and resolves with the whole answer. */
function exchange(on: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const read = (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (!answer.endsWith("\r\n\r\nok")) return;
      on.off("data", read).off("close", closed);
      resolve(answer);
    };
    const closed = () => reject(new Error(`connection closed before an answer: ${JSON.stringify(answer)}`));
    on.on("data", read).once("close", closed);
    on.write("POST /webhook HTTP/1.1\r\nHost: duka\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
  });
}

it("answers a request sent on a kept-alive connection after the drain began, and says Connection: close", async () => {
  const port = await listen();
  socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  expect(await exchange(socket)).toMatch(/keep-alive/i);
  // The connection is idle now: http.Server's own close() would end it under this request.
  const drained = drain();
  const answer = await exchange(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  expect(answer).toMatch(/\r\nConnection: close\r\n/i);
  await drained;
  expect(server.listening).toBe(false);
});

it("ends a connection that never sent a request soon after the keep-alive timeout", async () => {
  const port = await listen();
  server.keepAliveTimeout = 100;
  socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  const closed = once(socket, "close");
  await drain();
  await closed;
});

it("answers a connection the kernel queued before the stop, which closing the listener at once would reset", async () => {
  const port = await listen();
  // Connected in the kernel, not yet taken by this process's event loop when the drain begins.
  socket = connect(port, "127.0.0.1");
  const drained = drain();
  await once(socket, "connect");
  const answer = await exchange(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  expect(answer).toMatch(/\r\nConnection: close\r\n/i);
  await drained;
});
