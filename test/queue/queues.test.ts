/** The queues Duka writes to, on a Redis that is down. */
import { once } from "node:events";
import { Redis } from "ioredis";
import { afterEach, expect, it, vi } from "vitest";
import { createQueues } from "../../src/queue/queues.js";

afterEach(() => vi.restoreAllMocks());

it("prints nothing to stderr while Redis is down: the connection's owner logs its errors", async () => {
  const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const unreachable = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  try {
    const queues = createQueues({ connection: unreachable, prefix: "t-down" });
    queues.outbound("telegram");
    // BullMQ's listeners came first, so every queue has had these errors when the third arrives here.
    for (let error = 0; error < 3; error++) await once(unreachable, "error");
    expect(printed).not.toHaveBeenCalled();
  } finally {
    unreachable.disconnect();
  }
});
