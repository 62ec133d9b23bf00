/**
 * Requests from a chosen source address. reliability.md §4 R25 sends from network namespaces
 * (10.9.9.9, 52.31.139.75), which need privileges a developer machine may lack. Linux answers the
 * whole of 127.0.0.0/8 on the loopback interface, so binding the client socket to, say, 127.9.9.9
 * gives the server a real, different peer address without any setup: the same thing the allowlist
 * and `trust proxy` see, minus the routing.
 */
import { request } from "node:http";

export interface SourcedAnswer {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
}

/** POSTs `body` from `localAddress`; a connection error or timeout is status 0. */
export function postFrom(
  localAddress: string,
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<SourcedAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, text = "") => resolve({ status, ms: performance.now() - started, text });
    const outgoing = request(
      url,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", ...headers },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
        response.on("error", () => done(0));
      },
    );
    outgoing.on("timeout", () => outgoing.destroy());
    outgoing.on("error", () => done(0));
    outgoing.end(body);
  });
}
