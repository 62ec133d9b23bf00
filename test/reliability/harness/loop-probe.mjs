// Preloaded into a Duka process that has no /metrics (worker, channel roles) by the soak test,
// through NODE_OPTIONS="--import …": perf_hooks' event-loop delay of that process, one JSON log
// line per window on stdout, where the process harness already reads Duka's own log lines.
import { monitorEventLoopDelay } from "node:perf_hooks";

const windowMs = Number(process.env.DUKA_LOOP_PROBE_MS ?? "5000");
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
setInterval(() => {
  const line = { msg: "event-loop probe", p99Ms: histogram.percentile(99) / 1e6, at: Date.now() };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  histogram.reset();
}, windowMs).unref();
