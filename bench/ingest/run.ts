// Webhook ingest on `next start`: signed orders/create deliveries for 50 shops at 300/s for 60 s, on PostgreSQL and
// on embedded PGlite, against GET /api/health on the same server as the baseline. With --updated-rate N, also
// orders/updated at N/s for orders it created (mostly our own tag writes), alone and alongside orders/create.
// Run: node scripts/node24.mjs bench/ingest/run.ts [--worktree] [--only postgres|pglite] [--duration 60] [--rate 300]
//        [--updated-rate 300] [--capacity-duration 15] [--keep | --app <kept build>] [--cpu-prof <dir>] [--rss]
//        [--app-node-flags=…]
// (results in bench/README.md)
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { encryptSecret } from "@/server/crypto";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { signedWebhookRequest, WEBHOOK_PATH } from "@/simulators/shopify/webhook";
import { freePort, stopProcess, TS_ENTRY_FLAGS } from "@/scripts/processes";
import { APP_NODE_FLAGS_DEFAULT } from "@/server/env";

const { values: args } = parseArgs({
  options: {
    worktree: { type: "boolean", default: false },
    /** keep the exported, built tree and print its folder, or reuse one kept before (no build) */
    keep: { type: "boolean", default: false },
    app: { type: "string" },
    only: { type: "string" },
    duration: { type: "string", default: "60" },
    rate: { type: "string", default: "300" },
    /** orders/updated deliveries per second (0: none), for orders the benchmark created */
    "updated-rate": { type: "string", default: "0" },
    "capacity-duration": { type: "string", default: "15" },
    /** write V8 CPU profiles of the server to this folder */
    "cpu-prof": { type: "string" },
    /** report the resident memory (VmRSS, and the VmHWM peak, from /proc) of the processes it starts after each phase */
    rss: { type: "boolean", default: false },
    /** Node flags of the app server (default: what `npm start` gives it, APP_NODE_FLAGS's default; "" for Node's own) */
    "app-node-flags": { type: "string", default: APP_NODE_FLAGS_DEFAULT },
  },
});
const DURATION_S = Number(args.duration);
const RATE = Number(args.rate);
const UPDATED_RATE = Number(args["updated-rate"]);
/** One orders/updated in this many changes a quantity; the others are tag writes (only tags and updated_at differ). */
const QUANTITY_CHANGE_EVERY = 20;
const CAPACITY_S = Number(args["capacity-duration"]);
const SHOPS = 50;
/** autocannon connections: unthrottled (capacity), and with overallRate */
const CAPACITY_CONNECTIONS = 32;
const RATED_CONNECTIONS = 10;
const WARMUP_S = 10;
const ROOT = process.cwd();
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const APP_SECRET = "bench-api-secret-0123456789";
const APP_ENV = {
  NODE_ENV: "production" as const,
  NEXT_TELEMETRY_DISABLED: "1",
  AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789",
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: APP_SECRET,
  WORKER_MODE: "off",
};
// The seeding below encrypts with the same key the app will decrypt with, read with the app's other settings.
for (const name of ["AUTH_SECRET", "ENCRYPTION_KEY", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"] as const) process.env[name] = APP_ENV[name];

const log = (message: string) => console.error(`[bench:ingest] ${message}`);
const shopDomain = (i: number) => `bench-shop-${String(i + 1).padStart(2, "0")}.myshopify.com`;

// ---------------------------------------------------------------------------------------------------------------
// What runs: by default the committed tree (HEAD), exported to a temporary folder and built there, so that work in
// progress elsewhere in the checkout neither breaks the build nor changes the figures, and another `next build`
// here cannot pull files from under the server. `--worktree` runs this checkout's own build instead, building it
// first when a source file is newer than .next.

interface BenchApp {
  dir: string;
  commit: string;
  cleanup(): void;
}

/** The migrations of the code under test, not of whatever this checkout holds right now. */
function migrate(app: BenchApp, url: string): void {
  execFileSync(process.execPath, [path.join(app.dir, "node_modules", ".bin", "prisma"), "migrate", "deploy"], {
    cwd: app.dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url },
  });
}

function run(command: string, commandArgs: string[], cwd: string): void {
  execFileSync(command, commandArgs, { cwd, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...APP_ENV } });
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", ".data", "generated", ".git"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function worktreeApp(): BenchApp {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const sources = ["app", "server", "components", "next.config.mjs", "package.json"].map((p) => path.join(ROOT, p)).filter(existsSync);
  const newest = Math.max(...sources.map((p) => (statSync(p).isDirectory() ? newestSourceMtime(p) : statSync(p).mtimeMs)));
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < newest) {
    log("building this checkout (next build)…");
    run(process.execPath, [path.join(ROOT, "node_modules", ".bin", "next"), "build"], ROOT);
  } else {
    log("this checkout's build is up to date");
  }
  // Run from a copy of .next, so a rebuild in the checkout during the run does not disturb the server.
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-ingest-app-"));
  cpSync(path.join(ROOT, ".next"), path.join(dir, ".next"), { recursive: true });
  for (const name of ["node_modules", "package.json", "next.config.mjs", "prisma.config.ts", "prisma", "public"]) {
    if (existsSync(path.join(ROOT, name))) symlinkSync(path.join(ROOT, name), path.join(dir, name));
  }
  const commit = `${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim()} + working tree`;
  return { dir, commit, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function keptApp(dir: string): BenchApp {
  if (!existsSync(path.join(dir, ".next", "BUILD_ID"))) throw new Error(`${dir} holds no built app (run once with --keep)`);
  return { dir, commit: `${path.basename(dir)} (kept build)`, cleanup: () => {} };
}

function committedApp(): BenchApp {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-ingest-head-"));
  log(`exporting ${commit} to ${dir} and building it…`);
  execFileSync("sh", ["-c", `git archive HEAD | tar -x -C "${dir}"`], { cwd: ROOT });
  // Hard links: a full node_modules without copying 800 MB (Turbopack refuses a symlinked one).
  run("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")], ROOT);
  run(process.execPath, [path.join(dir, "node_modules", ".bin", "prisma"), "generate"], dir);
  run(process.execPath, [path.join(dir, "node_modules", ".bin", "next"), "build"], dir);
  if (args.keep) log(`kept the build in ${dir}: rerun with --app ${dir}`);
  return { dir, commit, cleanup: () => (args.keep ? undefined : rmSync(dir, { recursive: true, force: true })) };
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

interface BenchDatabase {
  kind: "postgres" | "pglite";
  url: string;
  env: Record<string, string>;
  /** the processes doing this database's work, for CPU accounting */
  pids(): number[];
  stop(): Promise<void>;
}

// CPU time from /proc, so the figures can be read apart from what else the machine was doing: a shared machine
// stretches latencies, but the CPU one delivery costs stays about the same.
const CLOCK_TICKS_PER_S = 100;

function cpuMsOfPid(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** CPU per process now, to be compared with a later reading. */
function cpuSnapshot(pids: number[]): Map<number, number> {
  const snapshot = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMsOfPid(pid);
    if (ms !== undefined) snapshot.set(pid, ms);
  }
  return snapshot;
}

/**
 * CPU spent between two snapshots: processes alive at both ends count their difference, new ones all of theirs.
 * A process that exited in between (a pooled connection closed when idle) is lost: a lower bound then.
 */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** PostgreSQL backends serving one database, found by their process title. */
function backendsOf(database: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(` ${database} `);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function postgresDatabase(app: BenchApp): Promise<BenchDatabase> {
  const name = `bench_ingest_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  migrate(app, url.href);
  return {
    kind: "postgres",
    url: url.href,
    env: {},
    pids: () => backendsOf(name),
    async stop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** PGlite in a process of its own (as `npm run demo` serves it), so its WebAssembly does not share a thread with autocannon. */
async function pgliteDatabase(app: BenchApp): Promise<BenchDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-ingest-pglite-"));
  const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, path.join(ROOT, "bench", "ingest", "pglite-server.ts"), path.join(dir, "data")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^URL (\S+)$/m.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the PGlite server exited (${code}) before it was ready`)));
  });
  migrate(app, url);
  return {
    kind: "pglite",
    url,
    env: { EMBEDDED_DB: "1" },
    pids: () => (child.pid ? [child.pid] : []),
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Plain SQL, so seeding does not depend on this checkout's generated client matching the code under test. */
async function seedTenants(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < SHOPS; i++) {
      const id = `bench-tenant-${i + 1}`;
      await client.query(`INSERT INTO "Tenant" ("id", "name", "shopDomain", "updatedAt") VALUES ($1, $2, $3, now())`, [id, `Bench Winery ${i + 1}`, shopDomain(i)]);
      await client.query(
        `INSERT INTO "ShopifyConnection" ("tenantId", "accessTokenEnc", "scopes", "updatedAt") VALUES ($1, $2, 'read_orders,write_orders,read_products', now())`,
        [id, encryptSecret(`shpat_bench_${i}`, { tenantId: id, column: "ShopifyConnection.accessTokenEnc" })],
      );
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The server

async function startApp(appDir: string, database: BenchDatabase): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(args["cpu-prof"])] : [];
  const nodeFlags = args["app-node-flags"].split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...nodeFlags, path.join(ROOT, "node_modules", ".bin", "next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: appDir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, ...APP_ENV, ...database.env, DATABASE_URL: database.url, APP_URL: url, PORT: String(port) },
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopProcess(child);
  throw new Error("next start did not answer /api/health within 60 s");
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

interface BenchOrder {
  shop: string;
  payload: ReturnType<typeof buildOrderPayload>;
}

/** Distinct orders, round-robin over the 50 shops. */
function makeOrders(count: number): BenchOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const shop = shopDomain(i % SHOPS);
    const payload = buildOrderPayload({
      shop,
      lines: [
        { sku: `BENCH-SHZ-${i % 7}`, qty: 1 + (i % 3), price: "32.00", title: "Shiraz 2021" },
        { sku: `BENCH-RSL-${i % 5}`, qty: 1, price: "24.50", title: "Riesling 2023" },
      ],
      discountPercent: i % 4 === 0 ? 10 : undefined,
    });
    return { shop, payload };
  });
}

/** Signed ahead of time as Shopify signs them, each with an event id of its own. */
function sign(topic: string, orders: BenchOrder[]): Delivery[] {
  return orders.map(({ shop, payload }) => {
    const signed = signedWebhookRequest({ shop, topic, payload, secret: APP_SECRET });
    return { body: signed.body, headers: signed.headers };
  });
}

/** Distinct orders/create deliveries. */
const makeDeliveries = (count: number): Delivery[] => sign("orders/create", makeOrders(count));

/**
 * orders/updated for orders already created (`of`, taken in turn), each a later version than the one before it:
 * mostly a tag write (our vintrace-order-created tag: only tags and updated_at differ), and one in
 * QUANTITY_CHANGE_EVERY a changed quantity, the kind of change the app must keep.
 */
function makeUpdates(of: BenchOrder[], count: number): Delivery[] {
  const updates = Array.from({ length: count }, (_, i): BenchOrder => {
    const { shop, payload } = of[i % of.length];
    const version = Math.floor(i / of.length) + 1;
    const tagged = { ...payload, tags: "vintrace-order-created", updated_at: new Date(Date.parse(payload.created_at) + version * 1000).toISOString() };
    if (i % QUANTITY_CHANGE_EVERY !== 0) return { shop, payload: tagged };
    const [first, ...rest] = payload.line_items;
    return { shop, payload: { ...tagged, line_items: [{ ...first, quantity: first.quantity + 1, current_quantity: first.quantity + 1 }, ...rest] } };
  });
  return sign("orders/updated", updates);
}

interface Measured {
  phase: string;
  target: string;
  /** the webhook's topic (orders/create unless said) */
  topic?: string;
  requests: number;
  throughputPerS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** CPU milliseconds per request: the app server's, and the database's */
  appCpuMs?: number;
  dbCpuMs?: number;
  /** with --rss: the resident memory of the app server and of the PGlite process after the phase, and their peaks */
  rss?: Record<string, { rssMB: number; peakRssMB: number }>;
}

/** VmRSS and VmHWM (the peak so far) of one process, in MB, from /proc. */
function rssOfPid(pid: number): { rssMB: number; peakRssMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rssMB: Math.round(kB("VmRSS") / 1024), peakRssMB: Math.round(kB("VmHWM") / 1024) };
  } catch {
    return undefined;
  }
}

/**
 * Runs one phase and charges it the CPU the app server and the database spent meanwhile, per request. A phase that
 * drives several kinds of request at once shares its CPU out evenly over all of them.
 */
async function withCpu(appPid: number, database: BenchDatabase, phase: () => Promise<Measured[]>): Promise<Measured[]> {
  const app0 = cpuSnapshot([appPid]);
  const db0 = cpuSnapshot(database.pids());
  const measured = await phase();
  const requests = measured.reduce((sum, m) => sum + m.requests, 0);
  const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 1000) / 1000;
  const rss = args.rss ? rssOfStarted(appPid, database) : undefined;
  const cpu = { appCpuMs: per(cpuSpent(app0, cpuSnapshot([appPid]))), dbCpuMs: per(cpuSpent(db0, cpuSnapshot(database.pids()))) };
  return measured.map((m) => ({ ...m, ...cpu, rss }));
}

/** The processes this benchmark started: the app server, and the PGlite server (PostgreSQL's backends are not ours). */
function rssOfStarted(appPid: number, database: BenchDatabase): Record<string, { rssMB: number; peakRssMB: number }> {
  const started: [string, number][] = [["app", appPid], ...(database.kind === "pglite" ? database.pids().map((pid): [string, number] => ["pglite", pid]) : [])];
  return Object.fromEntries(started.flatMap(([name, pid]) => {
    const rss = rssOfPid(pid);
    return rss ? [[name, rss]] : [];
  }));
}

async function drive(
  phase: string,
  url: string,
  target: "webhook" | "health",
  opts: { durationS: number; connections: number; rate?: number; deliveries?: Delivery[] },
): Promise<Measured> {
  let next = 0;
  const deliveries = opts.deliveries ?? [];
  const request =
    target === "webhook"
      ? {
          setupRequest: (req: autocannon.Request) => {
            const delivery = deliveries[next++ % deliveries.length];
            return { ...req, method: "POST" as const, path: WEBHOOK_PATH, headers: delivery.headers, body: delivery.body };
          },
        }
      : { method: "GET" as const, path: "/api/health" };
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.durationS,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [request],
    timeout: 10,
  });
  if (target === "webhook" && next > deliveries.length) log(`warning: ${phase} used ${next} requests for ${deliveries.length} distinct orders (repeats are duplicates)`);
  return {
    phase,
    target,
    requests: result.requests.total,
    throughputPerS: Math.round((result.requests.total / result.duration) * 10) / 10,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * An open-loop generator: request i is sent at start + i/rate whatever happened to the ones before (as Shopify
 * delivers, independently of our answers), over keep-alive sockets. Latency counts from the scheduled time, so a
 * server that falls behind is charged for the wait (no coordinated omission).
 */
async function paced(phase: string, url: string, target: "webhook" | "health", opts: { durationS: number; rate: number; deliveries?: Delivery[] }): Promise<Measured> {
  const { hostname, port } = new URL(url);
  // fifo: every socket keeps being used, so none sits idle until the server's keep-alive timeout closes it under us.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, scheduling: "fifo" });
  const total = Math.round(opts.rate * opts.durationS);
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  const errorCodes = new Map<string, number>();
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const delivery = target === "webhook" ? opts.deliveries![i % opts.deliveries!.length] : undefined;
      const req = http.request(
        { agent, hostname, port, method: delivery ? "POST" : "GET", path: delivery ? WEBHOOK_PATH : "/api/health", headers: delivery?.headers, timeout: 10_000 },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++;
            resolve();
          });
        },
      );
      req.on("timeout", () => {
        timeouts++;
        req.destroy();
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        errors++;
        errorCodes.set(error.code ?? error.message, (errorCodes.get(error.code ?? error.message) ?? 0) + 1);
        resolve();
      });
      req.end(delivery?.body);
    });
  const inflight: Promise<void>[] = [];
  const start = performance.now() + 20;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(send(i, due));
  }
  await Promise.all(inflight);
  const elapsedS = (performance.now() - start) / 1000;
  if (errorCodes.size) log(`${phase} ${target}: errors ${JSON.stringify(Object.fromEntries(errorCodes))}`);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return {
    phase,
    target,
    requests: total,
    throughputPerS: Math.round((latencies.length / elapsedS) * 10) / 10,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: at(1),
    errors,
    timeouts,
    non2xx,
  };
}

async function countStored(database: BenchDatabase): Promise<{ orderSyncs: number; deliveries: number; orderEvents: number }> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ o: number; d: number; e: number }>(
      `SELECT (SELECT count(*) FROM "OrderSync")::int AS o, (SELECT count(*) FROM "WebhookDelivery")::int AS d, (SELECT count(*) FROM "OrderEvent")::int AS e`,
    );
    return { orderSyncs: rows[0].o, deliveries: rows[0].d, orderEvents: rows[0].e };
  } finally {
    await client.end();
  }
}

async function benchOne(kind: "postgres" | "pglite", app: BenchApp) {
  log(`${kind}: preparing the database`);
  const database = kind === "postgres" ? await postgresDatabase(app) : await pgliteDatabase(app);
  try {
    await seedTenants(database.url);
    const warmOrders = makeOrders(RATE * WARMUP_S);
    const warm = sign("orders/create", warmOrders);
    const pacedSet = makeDeliveries(RATE * DURATION_S);
    const ratedSet = makeDeliveries(RATE * DURATION_S + 200);
    const capacitySet = makeDeliveries(3000 * CAPACITY_S);
    // orders/updated for the warm-up's orders (stored before any is sent), alone and then alongside new orders
    const updates = makeUpdates(warmOrders, 2 * UPDATED_RATE * DURATION_S);
    const [updatedAlone, updatedAlongside] = [updates.slice(0, UPDATED_RATE * DURATION_S), updates.slice(UPDATED_RATE * DURATION_S)];
    const mixedCreates = makeDeliveries(UPDATED_RATE ? RATE * DURATION_S : 0);
    const server = await startApp(app.dir, database);
    try {
      log(`${kind}: warming up`);
      await paced("warm-up", server.url, "webhook", { durationS: WARMUP_S, rate: RATE, deliveries: warm });
      await paced("warm-up", server.url, "health", { durationS: WARMUP_S, rate: RATE });
      const rows: Measured[] = [];
      const measure = async (phase: () => Promise<Measured>) => rows.push(...(await withCpu(server.child.pid ?? 0, database, async () => [await phase()])));
      log(`${kind}: paced ${RATE}/s for ${DURATION_S} s → webhook, then /api/health`);
      await measure(() => paced(`paced ${RATE}/s`, server.url, "webhook", { durationS: DURATION_S, rate: RATE, deliveries: pacedSet }));
      await measure(() => paced(`paced ${RATE}/s`, server.url, "health", { durationS: DURATION_S, rate: RATE }));
      if (UPDATED_RATE) {
        log(`${kind}: paced orders/updated ${UPDATED_RATE}/s for ${DURATION_S} s, alone, then alongside orders/create ${RATE}/s`);
        const updated = (phase: string, deliveries: Delivery[]) =>
          paced(phase, server.url, "webhook", { durationS: DURATION_S, rate: UPDATED_RATE, deliveries }).then((m) => ({ ...m, topic: "orders/updated" }));
        await measure(() => updated(`paced updated ${UPDATED_RATE}/s`, updatedAlone));
        const mixed = `paced ${RATE}/s + updated ${UPDATED_RATE}/s`;
        rows.push(
          ...(await withCpu(server.child.pid ?? 0, database, () =>
            Promise.all([paced(mixed, server.url, "webhook", { durationS: DURATION_S, rate: RATE, deliveries: mixedCreates }), updated(mixed, updatedAlongside)]),
          )),
        );
      }
      log(`${kind}: autocannon overallRate ${RATE}, ${RATED_CONNECTIONS} connections, ${DURATION_S} s → webhook, then /api/health`);
      const rated = { durationS: DURATION_S, rate: RATE, connections: RATED_CONNECTIONS };
      await measure(() => drive(`autocannon ${RATE}/s`, server.url, "webhook", { ...rated, deliveries: ratedSet }));
      await measure(() => drive(`autocannon ${RATE}/s`, server.url, "health", rated));
      log(`${kind}: capacity, unthrottled, ${CAPACITY_CONNECTIONS} connections, ${CAPACITY_S} s each`);
      await measure(() => drive("capacity", server.url, "webhook", { durationS: CAPACITY_S, connections: CAPACITY_CONNECTIONS, deliveries: capacitySet }));
      await measure(() => drive("capacity", server.url, "health", { durationS: CAPACITY_S, connections: CAPACITY_CONNECTIONS }));
      const capacity = (target: string) => rows.find((r) => r.phase === "capacity" && r.target === target)?.throughputPerS ?? 0;
      const stored = await countStored(database);
      // errors count the timeouts too (autocannon's do, and a paced request that times out is destroyed, an error)
      const acknowledged = rows.filter((r) => r.target === "webhook").reduce((sum, r) => sum + r.requests - r.non2xx - r.errors, 0);
      return { kind, rows, capacityRatio: Math.round((capacity("webhook") / capacity("health")) * 100) / 100, stored, acknowledged };
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    await database.stop();
  }
}

function table(rows: Measured[]): string {
  const head = "| phase | route | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | timeouts | non-2xx | app CPU ms/req | db CPU ms/req |";
  const rssHead = args.rss ? " RSS after (peak) MB |" : "";
  const rssCell = (r: Measured) =>
    args.rss ? ` ${Object.entries(r.rss ?? {}).map(([name, m]) => `${name} ${m.rssMB} (${m.peakRssMB})`).join(", ")} |` : "";
  const lines = rows.map(
    (r) =>
      `| ${r.phase} | ${r.target === "webhook" ? `POST /api/webhooks/shopify ${r.topic ?? "orders/create"}` : "GET /api/health"} | ${r.throughputPerS} | ${r.p50Ms} | ${r.p90Ms} | ` +
      `${r.p99Ms} | ${r.maxMs} | ${r.errors} | ${r.timeouts} | ${r.non2xx} | ${r.appCpuMs ?? ""} | ${r.dbCpuMs ?? ""} |${rssCell(r)}`,
  );
  return [head + rssHead, `|---|---|---|---|---|---|---|---|---|---|---|---|${args.rss ? "---|" : ""}`, ...lines].join("\n");
}

async function main() {
  const app = args.app ? keptApp(path.resolve(args.app)) : args.worktree ? worktreeApp() : committedApp();
  const machine = { nproc: os.availableParallelism(), memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? "unknown", node: process.version };
  log(`machine: ${JSON.stringify(machine)}; app: ${app.commit}; load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  try {
    const kinds = (args.only ? [args.only] : ["postgres", "pglite"]) as ("postgres" | "pglite")[];
    for (const kind of kinds) {
      const result = await benchOne(kind, app);
      console.log(`\n### ${kind}\n`);
      console.log(table(result.rows));
      console.log(
        `\ncapacity ratio webhook/health: ${result.capacityRatio}; measured deliveries answered 2xx: ${result.acknowledged} ` +
          `(+ warm-up); stored: ${result.stored.orderSyncs} OrderSync, ${result.stored.deliveries} WebhookDelivery, ${result.stored.orderEvents} OrderEvent` +
          (UPDATED_RATE ? `; the two "paced … + updated" rows share their phase's CPU per request` : ""),
      );
      console.log(JSON.stringify({ bench: "ingest", commit: app.commit, machine, loadAverage: os.loadavg(), rate: RATE, updatedRate: UPDATED_RATE, durationS: DURATION_S, ...result }));
    }
  } finally {
    app.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
