/**
 * `npm run bench [-- --quick]`: what users feel, each path beside a baseline measured in the same
 * run (interleaved), reported as figures and ratios, never fixed thresholds: a busy machine
 * slows the baseline too. Prints a Markdown report; BENCHMARKS.md keeps the latest with the
 * machine and date. `BENCH_CPU_PROF=DIR` profiles the servers under load (see bench/profile.ts).
 */
import { cpus, totalmem } from "node:os";
import { chatTurn } from "./cases/chat-turn.js";
import { footprint } from "./cases/footprint.js";
import { growth } from "./cases/growth.js";
import { ingest } from "./cases/ingest.js";
import { settlement } from "./cases/settlement.js";
import { createBenchContext } from "./lib/context.js";
import type { LoadFigures } from "./lib/load.js";
import { figure } from "./lib/stats.js";

const quick = process.argv.includes("--quick");
const context = createBenchContext(quick);
const out = (line = "") => console.log(line);

function loadRow(path: string, duka: LoadFigures, baseline: LoadFigures, name: string, goal: string): string {
  const ratio = duka.perSecond / baseline.perSecond;
  const side = (f: LoadFigures) =>
    `${figure(f.perSecond, 0)}/s, p50 ${figure(f.p50Ms, 0)} ms, p99 ${figure(f.p99Ms, 0)} ms, ${figure(f.cpuMicrosPerRequest, 0)} µs CPU${f.failed ? `, ${f.failed} failed` : ""}`;
  return `| ${path} | ${side(duka)} | ${name}: ${side(baseline)} | ${figure(ratio, 2)}× | ${goal} |`;
}

const started = Date.now();
try {
  out(`# Duka benchmarks${quick ? " (quick)" : ""}`);
  out();
  out(
    `${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model.trim()} · ${figure(totalmem() / 2 ** 30, 0)} GiB · Node ${process.version}`,
  );
  out();
  out("| path | Duka | baseline (same run, interleaved) | ratio | goal |");
  out("|---|---|---|---|---|");
  const [ingestDuka, naive] = await ingest(context);
  out(
    loadRow(
      "Paystack webhook ingest (`web` role)",
      ingestDuka,
      naive,
      "naive handler",
      "≥ 1.0×, p99 no worse",
    ),
  );
  const [turn, bare] = await chatTurn(context, 5_000);
  out(
    loadRow(
      "Telegram `/start` → reply stored and queued (webhook, 5,000 chats)",
      turn,
      bare,
      "bare grammY bot",
      "≥ 0.5×",
    ),
  );
  out();
  out(
    "| settlement (webhook posted → …) | payments | settled in the store p50 / p95 / p99 | confirmation at the Bot API p50 / p95 / p99 | ordinary messages sent before the last confirmation |",
  );
  out("|---|---|---|---|---|");
  const rates = quick ? [20] : [20, 50, 200];
  const runs = rates.map((rate) => ({ rate, seconds: quick ? 2 : rate >= 200 ? 3 : 10, background: 0 }));
  runs.push({ rate: quick ? 50 : 200, seconds: quick ? 2 : 3, background: quick ? 500 : 5_000 });
  for (const { rate, seconds, background } of runs) {
    const s = await settlement(context, rate, seconds, background);
    const d = (x: typeof s.settledMs) => `${figure(x.p50, 0)} / ${figure(x.p95, 0)} / ${figure(x.p99, 0)} ms`;
    out(
      `| ${rate}/s${background ? ` with ${figure(background, 0)} ordinary messages queued first` : ""} | ${s.payments} (${s.settledMs.count} settled, ${s.confirmedMs.count} confirmed) | ${d(s.settledMs)} | ${d(s.confirmedMs)} | ${background ? s.ordinaryBeforeLastConfirmation : "—"} | ${figure(s.merchantToldMs / 1000, 1)} s (${s.merchantMessages}) |`,
    );
  }
  out();
  out(
    "| store work per operation (CPU) | stored conversations and orders | chat turn (load + save) | webhook (inbox + payment + order) |",
  );
  out("|---|---|---|---|");
  for (const g of await growth(context)) {
    for (const [index, size] of g.sizes.entries()) {
      out(
        `| ${g.store} | ${figure(size, 0)} | ${figure(g.turnMicros[index]!, 0)} µs | ${figure(g.webhookMicros[index]!, 0)} µs |`,
      );
    }
    const last = g.sizes.length - 1;
    out(
      `| ${g.store}: largest ÷ smallest (goal ≤ 1.2) | | ${figure(g.turnMicros[last]! / g.turnMicros[0]!, 2)}× | ${figure(g.webhookMicros[last]! / g.webhookMicros[0]!, 2)}× |`,
    );
  }
  out();
  out(
    "| embedded store | heap per conversation + order | journal per conversation | journal per order | restart (replay) |",
  );
  out("|---|---|---|---|---|");
  for (const f of await footprint(context)) {
    out(
      `| ${figure(f.conversations, 0)} conversations and orders | ${figure(f.heapBytesPerConversationAndOrder / 1024, 1)} KB | ${figure(f.journalBytesPerConversation, 0)} B | ${figure(f.journalBytesPerOrder, 0)} B | ${figure(f.restartMs / 1000, 2)} s |`,
    );
  }
  out();
  out(`Ran in ${figure((Date.now() - started) / 1000, 0)} s.`);
} finally {
  await context.close();
}
