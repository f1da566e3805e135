// The jobs benchmark's memory phase: `next start` (WORKER_MODE=off) and one `scripts/worker.ts` on the benchmark's
// database, the ingest benchmark's load (a 10 s warm-up, then --duration s of signed orders/create deliveries at
// --rate/s, paced open-loop, round-robin over 50 connected wineries whose orders exist in the Shopify simulator), the
// worker syncing them to the simulators meanwhile. Resident memory comes from /proc (VmRSS, and VmHWM for the peak),
// for each process and the processes it started.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { APP_NODE_FLAGS_DEFAULT } from "@/server/env";
import type { TestDatabase } from "@/test/database";
import { workerProcessEnv, type SyncWorld, type Tenant } from "@/test/support/sync";
import { TEST_APP } from "@/simulators/shopify/testing";
import { signedWebhookRequest, WEBHOOK_PATH } from "@/simulators/shopify/webhook";
import { freePort, stopProcess, TS_ENTRY_FLAGS } from "@/scripts/processes";

const ROOT = process.cwd();
const WARMUP_S = 10;
const MB = 2 ** 20;

interface MemoryOptions {
  world: SyncWorld;
  database: TestDatabase;
  tenants: Tenant[];
  /** a built tree (with .next) to run; else HEAD is exported and built */
  app?: string;
  keep: boolean;
  /** NODE_OPTIONS for the app alone (default: the flags `npm start` gives it, APP_NODE_FLAGS's default) */
  appNodeOptions?: string;
  rate: number;
  durationS: number;
  log(message: string): void;
}

/** HEAD exported to a temporary folder and built there, as bench/ingest/run.ts does, so work in progress never changes the figures. */
function buildHead(log: (message: string) => void, keep: boolean): { dir: string; commit: string; cleanup(): void } {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-jobs-head-"));
  log(`memory: exporting ${commit} to ${dir} and building it (next build)…`);
  const env = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
  execFileSync("sh", ["-c", `git archive HEAD | tar -x -C "${dir}"`], { cwd: ROOT });
  execFileSync("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")]);
  for (const bin of ["prisma generate", "next build"]) {
    const [name, ...rest] = bin.split(" ");
    execFileSync(process.execPath, [path.join(dir, "node_modules", ".bin", name), ...rest], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
  }
  if (keep) log(`memory: kept the build in ${dir}: rerun with --app ${dir}`);
  return { dir, commit, cleanup: () => (keep ? undefined : rmSync(dir, { recursive: true, force: true })) };
}

/**
 * What the app's memory is made of, from its own /api/metrics (prom-client's process metrics; loopback needs no
 * token): the V8 heap's size and use, and memory outside it (buffers, native). RSS minus these is code and the rest.
 */
async function heapOf(url: string): Promise<Record<string, number> | null> {
  try {
    const text = await (await fetch(`${url}/api/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^vintrace_sync_${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN) / MB;
    const round = (n: number) => Math.round(n);
    return {
      heapTotalMB: round(metric("nodejs_heap_size_total_bytes")),
      heapUsedMB: round(metric("nodejs_heap_size_used_bytes")),
      externalMB: round(metric("nodejs_external_memory_bytes")),
      rssMB: round(metric("process_resident_memory_bytes")),
    };
  } catch {
    return null;
  }
}

/** The process and every process under it (Next may start workers of its own). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

interface ProcessMemory {
  pid: number;
  name: string;
  rssMB: number;
  /** VmHWM: the highest RSS the process has had */
  peakRssMB: number;
}

/** VmRSS and VmHWM (the peak) in MB of the process, then of each process under it (e.g. tsx's esbuild service). */
function rssOf(root: number): ProcessMemory[] {
  return processTree(root).flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
      const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?";
      return [{ pid, name, rssMB: Math.round((kB("VmRSS") * 1024) / MB), peakRssMB: Math.round((kB("VmHWM") * 1024) / MB) }];
    } catch {
      return [];
    }
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("next start did not answer /api/health within 90 s");
}

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** Open loop: delivery i goes at start + i/rate whatever happened to those before, as Shopify delivers. */
async function deliverPaced(url: string, deliveries: Delivery[], rate: number) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, scheduling: "fifo" });
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now() + 20;
  const sent: Promise<void>[] = [];
  for (let i = 0; i < deliveries.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(
      new Promise<void>((resolve) => {
        const req = http.request({ agent, hostname, port, method: "POST", path: WEBHOOK_PATH, headers: deliveries[i].headers, timeout: 10_000 }, (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== 200) failed++;
            resolve();
          });
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => {
          failed++;
          resolve();
        });
        req.end(deliveries[i].body);
      }),
    );
  }
  await Promise.all(sent);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { deliveries: deliveries.length, failed, p99Ms: Math.round(latencies[Math.floor(0.99 * latencies.length)] ?? 0) };
}

/** Orders created in the Shopify simulator (as the shop would hold them) and signed as orders/create deliveries. */
async function makeDeliveries(world: SyncWorld, tenants: Tenant[], count: number): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const shop = tenants[i % tenants.length].shop;
    const order = await world.shopify.sim.createOrder({ shop });
    const signed = signedWebhookRequest({ shop, topic: "orders/create", payload: order.payload, secret: TEST_APP.apiSecret });
    deliveries.push({ body: signed.body, headers: signed.headers });
  }
  return deliveries;
}

export async function memoryPhase(options: MemoryOptions) {
  const { world, database, tenants, rate, durationS, log } = options;
  const app = options.app
    ? { dir: path.resolve(options.app), commit: `${path.basename(options.app)} (given build)`, cleanup: () => {} }
    : buildHead(log, options.keep);
  if (!existsSync(path.join(app.dir, ".next", "BUILD_ID"))) throw new Error(`${app.dir} holds no built app`);
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ...workerProcessEnv(world, database.url), NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
    const server = spawn(process.execPath, [path.join(ROOT, "node_modules", ".bin", "next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: app.dir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...env, WORKER_MODE: "off", APP_URL: url, PORT: String(port), NODE_OPTIONS: options.appNodeOptions ?? APP_NODE_FLAGS_DEFAULT },
    });
    children.push(server);
    // Niced: on this two-core machine the app, the worker, PostgreSQL, both simulators and the load generator share
    // the CPUs; a worker at full priority starves the app of the CPU the 300/s needs (deliveries time out and queue
    // up in the app's memory), which production, with the worker on other cores, never sees. `nice` execs the worker
    // in its own process, so the pid is the worker's.
    const worker = spawn("nice", ["-n", "10", process.execPath, ...TS_ENTRY_FLAGS, "scripts/worker.ts"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...env, WORKER_CONCURRENCY: "16", WORKER_SCHEDULER: "off" },
    });
    children.push(worker);
    await waitForHealth(url, server);
    log(`memory: ${app.commit} on ${url}; building ${(WARMUP_S + durationS) * rate} orders in the Shopify simulator`);
    const warm = await makeDeliveries(world, tenants, WARMUP_S * rate);
    const measured = await makeDeliveries(world, tenants, durationS * rate);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = { app: rssOf(server.pid!)[0], worker: rssOf(worker.pid!)[0] };
    // Every second: the RSS of both, to tell a plateau from growth.
    const series: { s: number; appMB: number; workerMB: number }[] = [];
    const loadStarted = Date.now();
    const sampler = setInterval(() => {
      const [app, work] = [rssOf(server.pid!)[0], rssOf(worker.pid!)[0]];
      if (app && work) series.push({ s: Math.round((Date.now() - loadStarted) / 1000), appMB: app.rssMB, workerMB: work.rssMB });
    }, 1_000);
    log(`memory: idle RSS app ${idle.app.rssMB} MB, worker ${idle.worker.rssMB} MB; warm-up ${WARMUP_S} s, then ${durationS} s at ${rate}/s (load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")})`);
    const warmup = await deliverPaced(url, warm, rate);
    const load = await deliverPaced(url, measured, rate);
    clearInterval(sampler);
    const after = { app: rssOf(server.pid!), worker: rssOf(worker.pid!) };
    const appHeap = await heapOf(url);
    const counts = await world.db.orderSync.groupBy({ by: ["status"], _count: true });
    return {
      app: app.commit,
      warmup,
      load,
      ordersByStatus: Object.fromEntries(counts.map((c) => [c.status, c._count])),
      processes: [
        { name: "the app (next start)", idleRssMB: idle.app.rssMB, rssMB: after.app[0].rssMB, peakRssMB: after.app[0].peakRssMB, children: after.app.slice(1) },
        { name: "one worker (scripts/worker.ts)", idleRssMB: idle.worker.rssMB, rssMB: after.worker[0].rssMB, peakRssMB: after.worker[0].peakRssMB, children: after.worker.slice(1) },
      ],
      appHeap,
      rssEvery10s: series.filter((_, i) => i % 10 === 9 || i === series.length - 1),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child, 30_000)));
    app.cleanup();
  }
}
