// The sync log at scale: 1,000,000 OrderSync rows across 200 wineries in a fresh PostgreSQL database, and the first
// page of the log filtered by winery and status, through the same function the Orders page's router calls
// (listSyncLog). Target: p95 ≤ 50 ms at the query level.
// Run: node scripts/node24.mjs bench/dashboard/sync-log.bench.ts   (results in bench/dashboard/README.md)
// Needs PostgreSQL (TEST_DATABASE_URL, or postgres@127.0.0.1:5432); the database it creates is dropped at the end.
import { createHash } from "node:crypto";
import { Prisma } from "@/server/generated/prisma/client";
import { createPrisma } from "@/server/db";
import { listSyncLog, syncLogPageSql, type SyncLogCursor, type SyncLogFilter, type SyncLogScope } from "@/server/orders/sync-log";
import { createTestDatabase } from "@/test/database";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const TENANTS = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const WARMUP = 30;
const PAGE = 50;

const database = await createTestDatabase("bench");
if (database.kind !== "postgres") {
  await database.drop();
  throw new Error("This benchmark needs PostgreSQL: set TEST_DATABASE_URL or start it on 127.0.0.1:5432");
}
const db = createPrisma(database);

async function seed(): Promise<number> {
  const started = performance.now();
  await db.$executeRawUnsafe(`SELECT setseed(0.20261128)`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Tenant" (id, name, "shopDomain", "updatedAt")
    SELECT 'bench-tenant-' || lpad(i::text, 3, '0'), 'Bench Winery ' || i, 'bench-' || i || '.myshopify.com', now()
    FROM generate_series(1, ${TENANTS}) AS i`);
  // Three months of orders; 90 % synced, 5 % failed, 3 % pending, 1 % held, 1 % skipped: a busy production mix.
  await db.$executeRawUnsafe(`
    INSERT INTO "OrderSync" (id, "tenantId", "orderGid", "orderName", "orderCreatedAt", status, source, attempts,
                             "nextAttemptAt", "lastErrorClass", "lastErrorMessage", "lastErrorFix", "tagState",
                             "vintraceSalesOrderCode", "createdAt", "updatedAt", "syncedAt")
    SELECT md5(g::text), 'bench-tenant-' || lpad((1 + g % ${TENANTS})::text, 3, '0'), 'gid://shopify/Order/' || g,
           '#' || (1000 + g / ${TENANTS}), ts - interval '1 minute', status, 'WEBHOOK', 1,
           CASE WHEN status = 'PENDING' THEN ts + interval '5 minutes' END,
           CASE WHEN status = 'FAILED' THEN (CASE WHEN r < 0.935 THEN 'VALIDATION' ELSE 'TRANSIENT' END)::"ErrorClass" END,
           CASE WHEN status = 'FAILED' THEN 'vintrace has no stock item with code ''X'' (Shopify line ''Y'').' END,
           CASE WHEN status = 'FAILED' THEN 'products' END,
           (CASE status WHEN 'SYNCED' THEN 'CREATED' WHEN 'FAILED' THEN 'ERROR' ELSE 'NONE' END)::"TagState",
           CASE WHEN status = 'SYNCED' THEN 'VSO' || g END,
           ts, ts, CASE WHEN status = 'SYNCED' THEN ts + interval '2 seconds' END
    FROM (
      SELECT g, r, now() - random() * interval '90 days' AS ts,
             (CASE WHEN r < 0.90 THEN 'SYNCED' WHEN r < 0.95 THEN 'FAILED' WHEN r < 0.98 THEN 'PENDING' WHEN r < 0.99 THEN 'HELD' ELSE 'SKIPPED' END)::"SyncStatus" AS status
      FROM (SELECT g, random() AS r FROM generate_series(1, ${ROWS}) AS g) AS rolls
    ) AS rows`);
  await db.$executeRawUnsafe(`ANALYZE "OrderSync"`);
  await db.$executeRawUnsafe(`ANALYZE "Tenant"`);
  return performance.now() - started;
}

const round = (n: number) => Math.round(n * 100) / 100;

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { runs: sorted.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), p99Ms: round(at(0.99)), maxMs: round(sorted[sorted.length - 1]) };
}

// A different winery each run, so no one winery's pages stay hot in a way production would not see.
let rng = 20261128;
const random = () => {
  rng = (rng * 1103515245 + 12345) % 2 ** 31;
  return rng / 2 ** 31;
};
const someTenant = () => `bench-tenant-${String(1 + Math.floor(random() * TENANTS)).padStart(3, "0")}`;

async function measure(label: string, run: () => Promise<unknown>, runs = RUNS, warmup = WARMUP) {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return { label, ...percentiles(times) };
}

async function explain(scope: SyncLogScope, filter: SyncLogFilter, cursor: SyncLogCursor | null): Promise<string> {
  const rows = await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${syncLogPageSql(scope, filter, cursor, PAGE + 1)}`);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** The cursor of page `n` of one winery's synced orders, by walking the pages as the page does. */
async function cursorAtPage(tenantId: string, n: number): Promise<SyncLogCursor> {
  let cursor: SyncLogCursor | null = null;
  for (let i = 0; i < n; i++) cursor = (await listSyncLog(db, { tenantIds: [tenantId] }, { statuses: ["SYNCED"] }, { cursor, limit: PAGE })).nextCursor;
  if (!cursor) throw new Error("the winery has fewer pages than asked");
  return cursor;
}

try {
  const seedMs = await seed();
  const [{ count }] = await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM "OrderSync"`;
  const [{ size }] = await db.$queryRaw<{ size: string }[]>`SELECT pg_size_pretty(pg_total_relation_size('"OrderSync"')) AS size`;
  const deepTenant = "bench-tenant-007";
  const deepPages = Math.max(1, Math.min(20, Math.floor(((ROWS / TENANTS) * 0.9) / PAGE) - 1));
  const deepCursor = await cursorAtPage(deepTenant, deepPages);
  const onePk = md5Of(424242);

  const results = [
    await measure("target: first page, one winery, status FAILED", () => listSyncLog(db, { tenantIds: [someTenant()] }, { statuses: ["FAILED"] }, { limit: PAGE })),
    await measure("first page, one winery, status SYNCED", () => listSyncLog(db, { tenantIds: [someTenant()] }, { statuses: ["SYNCED"] }, { limit: PAGE })),
    await measure("first page, one winery, FAILED or PENDING", () => listSyncLog(db, { tenantIds: [someTenant()] }, { statuses: ["FAILED", "PENDING"] }, { limit: PAGE })),
    await measure("first page, one winery, no filter", () => listSyncLog(db, { tenantIds: [someTenant()] }, {}, { limit: PAGE })),
    await measure(`page ${deepPages + 1}, one winery, status SYNCED (keyset)`, () => listSyncLog(db, { tenantIds: [deepTenant] }, { statuses: ["SYNCED"] }, { cursor: deepCursor, limit: PAGE })),
    await measure("first page, one winery, search '123'", () => listSyncLog(db, { tenantIds: [someTenant()] }, { search: "123" }, { limit: PAGE })),
    await measure("support: first page, all wineries, status FAILED", () => listSyncLog(db, { tenantIds: null }, { statuses: ["FAILED"] }, { limit: PAGE })),
    await measure("support: first page, all wineries, no filter", () => listSyncLog(db, { tenantIds: null }, {}, { limit: PAGE })),
    await measure("baseline: one row by primary key", () => db.orderSync.findUnique({ where: { id: onePk }, select: { id: true, status: true } })),
    // The target's own SQL with index scans turned off for its transaction: what the index saves.
    await measure(
      "baseline: target's SQL without indexes (seq scan)",
      () =>
        db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe("SET LOCAL enable_indexscan = off");
          await tx.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off");
          return tx.$queryRaw(syncLogPageSql({ tenantIds: [someTenant()] }, { statuses: ["FAILED"] }, null, PAGE + 1));
        }),
      20,
      2,
    ),
  ];

  const targetPlan = await explain({ tenantIds: ["bench-tenant-042"] }, { statuses: ["FAILED"] }, null);
  const deepPlan = await explain({ tenantIds: [deepTenant] }, { statuses: ["SYNCED"] }, deepCursor);
  const usesIndex = /Index (Only )?Scan.*OrderSync_tenantId_status_createdAt_idx/.test(targetPlan);

  console.log(JSON.stringify({ rows: count, tenants: TENANTS, tableSize: size, seedSeconds: round(seedMs / 1000), pageSize: PAGE, results, targetUsesIndex: usesIndex }, null, 2));
  console.log("\nEXPLAIN ANALYZE, first page of one winery's FAILED orders:\n" + targetPlan);
  console.log(`\nEXPLAIN ANALYZE, page ${deepPages + 1} of one winery's SYNCED orders (keyset):\n${deepPlan}`);
  if (!usesIndex) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.drop();
}

function md5Of(n: number): string {
  // The seed's ids are md5(g); Node's crypto gives the same hex.
  return createHash("md5").update(String(n)).digest("hex");
}
