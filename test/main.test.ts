/**
 * The `duka` command as a process: configuration errors, a start, and a graceful SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../sandbox/free-port.js";
import { clearPrefix, REDIS_URL } from "./helpers/shop.js";

/**
 * tsx's own loader inside the one Node process: the `tsx` command would put a wrapper process in
 * front, which relays SIGTERM only if the child acknowledges within 30 ms and otherwise
 * SIGKILLs it (exit 143) — a busy CI machine made the shutdown tests flaky that way.
 */
const TSX_LOADER = pathToFileURL(join(process.cwd(), "node_modules", "tsx", "dist", "loader.mjs")).href;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const MAIN = join(process.cwd(), "src", "main.ts");

function duka(args: string[], env: Record<string, string>, cwd = process.cwd()): ChildProcess {
  const { LOG_LEVEL: _ignored, LOG_FORMAT: _alsoIgnored, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ["--import", TSX_LOADER, MAIN, ...args], {
    cwd,
    env: { ...parentEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function output(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk;
  return text;
}

/** Resolves with the first JSON log line whose msg is `message`. */
function logLine(child: ChildProcess, message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === message) resolve(parsed);
      } catch {}
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before logging "${message}"`)));
  });
}

/** A data folder, queue prefix and port of the test's own, removed afterwards. */
async function isolatedStart() {
  const dataDir = await mkdtemp(join(tmpdir(), "duka-main-"));
  const prefix = `t-${randomBytes(4).toString("hex")}`;
  cleanups.push(async () => {
    await clearPrefix(prefix);
    await rm(dataDir, { recursive: true, force: true });
  });
  const port = await freePort();
  const env = {
    PORT: String(port),
    REDIS_URL,
    DUKA_DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: "info",
  };
  return { env, port };
}

/** Everything the child printed on stdout until a line matched `pattern`. */
function outputUntil(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    });
    child.once("exit", (code) =>
      reject(new Error(`exited with ${code} before printing ${pattern}:\n${text}`)),
    );
  });
}

describe("duka start", () => {
  it("stops with one line naming the variable when the configuration is bad", async () => {
    const child = duka(["start"], { PORT: "abc", TELEGRAM_BOT_TOKEN: "" });
    const [code, stderr] = await Promise.all([exit(child), output(child.stderr!)]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^Invalid configuration: PORT .*"abc"/),
    ]);
  });

  it("never echoes a bad secret", async () => {
    const child = duka(["start"], { PAYSTACK_SECRET_KEY: "sk_live_not a key at all" });
    const [code, stderr] = await Promise.all([exit(child), output(child.stderr!)]);
    expect(code).toBe(1);
    expect(stderr).toContain("PAYSTACK_SECRET_KEY");
    expect(stderr).not.toContain("not a key");
  });

  it("refuses an unknown role with the usage", async () => {
    const child = duka(["start", "everything"], {});
    const [code, stderr] = await Promise.all([exit(child), output(child.stderr!)]);
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: duka start [all|web|worker|telegram|whatsapp]");
  });

  it("reads a .env file where it starts, without overriding the environment", async () => {
    const folder = await mkdtemp(join(tmpdir(), "duka-dotenv-"));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await writeFile(join(folder, ".env"), "PORT=abc\nNODE_ENV=test\n");
    const child = duka(["start"], { NODE_ENV: "prod" }, folder);
    const [code, stderr] = await Promise.all([exit(child), output(child.stderr!)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT .*"abc"/);
    expect(stderr).toMatch(/NODE_ENV .*"prod"/);
  });

  it("stops with one line when .env cannot be read", async () => {
    const folder = await mkdtemp(join(tmpdir(), "duka-dotenv-"));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await mkdir(join(folder, ".env"));
    const child = duka(["start"], {}, folder);
    const [code, stderr] = await Promise.all([exit(child), output(child.stderr!)]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^Cannot read \.env here .*: fix or remove it$/),
    ]);
  });

  it("on a terminal (LOG_FORMAT=pretty) says first, in plain words, what runs and what to set next", async () => {
    const { env } = await isolatedStart();
    const child = duka(["start", "all"], { ...env, LOG_FORMAT: "pretty", TELEGRAM_BOT_TOKEN: "" });
    const text = await outputUntil(child, /INFO: duka started/);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^Duka is starting \(role "all"\): the web server on http:\/\/localhost:\d+/);
    expect(text).toContain("  - TELEGRAM_BOT_TOKEN: your bot's token from @BotFather");
    expect(text).not.toMatch(/^\{/m);
    const exited = exit(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("starts, serves /healthz, and shuts down cleanly on SIGTERM", async () => {
    const { env, port } = await isolatedStart();
    const child = duka(["start", "all"], env);
    const started = await logLine(child, "duka started");
    expect(started).toMatchObject({ role: "all", store: "embedded", port });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const stopped = logLine(child, "duka stopped");
    const exited = exit(child);
    child.kill("SIGTERM");
    await stopped;
    expect(await exited).toBe(0);
  });
});
