/** The chat channels of one process, receiving in their role. */
import type { Core } from "./core.js";

/** Starts receiving each channel whose input arrives in this process's role. */
export async function startReceiving(core: Core): Promise<void> {
  for (const { runtime } of core.channels) {
    if (!core.runs(runtime.receivesIn)) continue;
    runtime.adapter.listen(core.onInput);
    await runtime.adapter.start();
    core.closers.push(() => runtime.adapter.stop());
    const stopAlongside = runtime.whileReceiving?.();
    if (stopAlongside) core.closers.push(async () => stopAlongside());
  }
}
