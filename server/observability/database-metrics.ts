// The shared state behind /api/metrics, read from the database at scrape time: every process's syncs, queue,
// workers and jobs are in the database, so any instance's scrape reports all of them.
import "server-only";
import { CAUSES, SYNC_STATUSES } from "@/lib/causes";
import type { Db } from "@/server/db";
import { Prisma } from "@/server/generated/prisma/client";
import { UTC_NOW } from "@/server/lib/sql-time";
import { causeSql } from "@/server/orders/cause-sql";
import { metrics } from "./metrics";

const HEARTBEAT_FRESH_MS = 2 * 60_000;

/** Reads the shared state into the gauges. Raw SQL aggregates: one round trip each, no rows loaded. */
export async function refreshDatabaseMetrics(db: Db): Promise<void> {
  const m = metrics();
  const [byStatus, queue, failed, recent, workers, jobs] = await Promise.all([
    db.$queryRaw<{ status: string; n: number }[]>`SELECT status::text AS status, count(*)::int AS n FROM "OrderSync" GROUP BY status`,
    db.$queryRaw<{ due: number; in_flight: number; scheduled: number; waiting: number; held: number; oldest: number | null }[]>`
      SELECT
        count(*) FILTER (WHERE due AND NOT leased AND t.status = 'ACTIVE')::int AS due,
        count(*) FILTER (WHERE leased)::int AS in_flight,
        count(*) FILTER (WHERE NOT due AND NOT leased AND s."nextAttemptAt" IS NOT NULL AND t.status = 'ACTIVE')::int AS scheduled,
        count(*) FILTER (WHERE NOT leased AND t.status = 'UNINSTALLED')::int AS waiting,
        count(*) FILTER (WHERE s.status = 'HELD')::int AS held,
        EXTRACT(EPOCH FROM ${UTC_NOW} - min(s."nextAttemptAt") FILTER (WHERE due AND NOT leased AND t.status = 'ACTIVE'))::float8 AS oldest
      FROM (
        SELECT s.*,
               (s."nextAttemptAt" IS NOT NULL AND s."nextAttemptAt" <= ${UTC_NOW}) AS due,
               (s."leaseUntil" IS NOT NULL AND s."leaseUntil" > ${UTC_NOW}) AS leased
        FROM "OrderSync" s
        WHERE s.status IN ('PENDING', 'HELD') OR s."tagState" IN ('PENDING_CREATED', 'PENDING_ERROR')
      ) s
      JOIN "Tenant" t ON t.id = s."tenantId"`,
    db.$queryRaw<{ cause: string | null; n: number }[]>`SELECT ${causeSql} AS cause, count(*)::int AS n FROM "OrderSync" s WHERE s.status = 'FAILED' GROUP BY 1`,
    db.$queryRaw<{ outcome: string; cause: string | null; n: number }[]>`
      SELECT s.status::text AS outcome, CASE WHEN s.status = 'FAILED' THEN ${causeSql} END AS cause, count(*)::int AS n
      FROM "OrderSync" s
      WHERE s.status <> 'PENDING' AND s."updatedAt" > ${UTC_NOW} - interval '15 minutes'
      GROUP BY 1, 2`,
    db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "WorkerHeartbeat" WHERE "beatAt" > ${UTC_NOW} - ${Prisma.raw(`interval '${HEARTBEAT_FRESH_MS / 1000} seconds'`)}`,
    db.$queryRaw<{ job: string; at: number }[]>`
      SELECT job, EXTRACT(EPOCH FROM max("finishedAt"))::float8 AS at
      FROM "JobClaim"
      WHERE "finishedAt" IS NOT NULL AND NOT (jsonb_typeof(result) = 'object' AND result ? 'error')
      GROUP BY job`,
  ]);

  m.orders.reset();
  for (const status of SYNC_STATUSES) m.orders.set({ status }, byStatus.find((r) => r.status === status)?.n ?? 0);
  const q = queue[0];
  for (const state of ["due", "in_flight", "scheduled", "waiting", "held"] as const) m.queueDepth.set({ state }, q?.[state] ?? 0);
  m.oldestDueAge.set(Math.max(0, q?.oldest ?? 0));
  m.failedOrders.reset();
  for (const cause of CAUSES) m.failedOrders.set({ cause }, 0);
  for (const row of failed) m.failedOrders.set({ cause: row.cause ?? "UNKNOWN" }, row.n);
  m.recentOutcomes.reset();
  for (const outcome of SYNC_STATUSES.filter((s) => s !== "PENDING")) m.recentOutcomes.set({ outcome, cause: "none" }, 0);
  for (const row of recent) m.recentOutcomes.set({ outcome: row.outcome, cause: row.cause ?? "none" }, row.n);
  m.workersAlive.set(workers[0]?.n ?? 0);
  m.jobLastSuccess.reset();
  for (const row of jobs) m.jobLastSuccess.set({ job: row.job }, row.at);
}

/** The text a scrape gets. */
export async function metricsText(db: Db): Promise<{ contentType: string; body: string }> {
  await refreshDatabaseMetrics(db);
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
