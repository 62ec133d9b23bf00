/**
 * `npx tsx bench/profile.ts FILE.cpuprofile [N]`: where a V8 CPU profile spent its busy time (idle
 * left out), as the N functions with the most self time and the files or packages with the most.
 * Profiles come from `BENCH_CPU_PROF=DIR npm run bench`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, limit = "25"] = process.argv.slice(2);
if (!file) throw new Error("Usage: tsx bench/profile.ts FILE.cpuprofile [N]");
const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[] };
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let idle = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (hits === 0) continue;
  if (node.callFrame.functionName === "(idle)") {
    idle += hits;
    continue;
  }
  const where = node.callFrame.url.replace(/^file:\/\//, "").replace(process.cwd(), ".") || "(native)";
  const name = `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  const module = where.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1");
  byFile.set(module, (byFile.get(module) ?? 0) + hits);
}
const top = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(limit))
    .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`)
    .join("\n");
const samples = profile.samples.length;
const total = samples - idle;
console.log(
  `${samples} samples, ${((100 * idle) / samples).toFixed(0)} % idle; shares are of the ${total} busy ones\n\n` +
    `self time by function:\n${top(byFunction)}\n\nself time by file or package:\n${top(byFile)}`,
);
