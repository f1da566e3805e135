// The sync log: one page of OrderSync rows, newest first, filtered by winery, status, cause, date range, order name
// and whether the order changed after sending. Pagination is by keyset on (createdAt, id): a page costs the same
// wherever it is in a million-row log, and a row synced while someone pages never shifts the next page. The same
// function serves the page, the CSV export and the benchmark, so the figures in bench/dashboard/README.md are the
// page's own.
import "server-only";
import { z } from "zod";
import { Prisma } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { CAUSES, SYNC_STATUSES, type SyncStatusName } from "../../lib/causes";
import { causeSql } from "./cause-sql";

export { SYNC_STATUSES, type SyncStatusName };
export type ErrorClassName = "AUTH" | "VALIDATION" | "CONFIG" | "NOT_FOUND" | "RATE_LIMITED" | "TRANSIENT";

export const MAX_PAGE_SIZE = 200;

export const SYNC_LOG_CHANGE_FILTERS = ["open", "any"] as const;

/** An opaque position in the log: the last row's createdAt and id. */
export const cursorSchema = z.object({ createdAt: z.coerce.date(), id: z.string().min(1).max(64) });
export type SyncLogCursor = z.infer<typeof cursorSchema>;

export const syncLogFilterSchema = z.object({
  statuses: z.array(z.enum(SYNC_STATUSES)).max(SYNC_STATUSES.length).optional(),
  /** the cause of the last error (causes.ts) */
  causes: z.array(z.enum(CAUSES)).max(CAUSES.length).optional(),
  /** inclusive start, exclusive end, on when the order reached us */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** part of an order name: "1001", "#1001" */
  search: z.string().trim().max(100).optional(),
  /** orders on the "Changed after sending" list: with an entry still open, or with any entry */
  changes: z.enum(SYNC_LOG_CHANGE_FILTERS).optional(),
});
export type SyncLogFilter = z.infer<typeof syncLogFilterSchema>;

export interface SyncLogScope {
  /** one winery, several (support across wineries), or every winery (null; support only) */
  tenantIds: string[] | null;
}

export interface SyncLogRow {
  id: string;
  tenantId: string;
  tenantName: string;
  orderName: string;
  orderCreatedAt: Date | null;
  status: SyncStatusName;
  source: string;
  attempts: number;
  lastErrorClass: ErrorClassName | null;
  lastErrorMessage: string | null;
  lastErrorFix: string | null;
  statusReason: string | null;
  vintraceSalesOrderCode: string | null;
  tagState: string;
  nextAttemptAt: Date | null;
  createdAt: Date;
  syncedAt: Date | null;
}

export interface SyncLogPage {
  rows: SyncLogRow[];
  nextCursor: SyncLogCursor | null;
}

/** Names are searched without the shop's "#": people type 1001 as often as #1001. LIKE's own wildcards are literal. */
export function searchPattern(search: string): string {
  const bare = search.trim().replace(/^#+/, "");
  return `%${bare.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The orders with a "Changed after sending" entry (open ones only, or any). Written from the entries' side, scoped to
 * the same wineries, so the planner can start from the few entries (their index on tenantId, handledAt) rather than
 * walk the whole log probing each order.
 */
function changedAfterSending(scope: SyncLogScope, which: (typeof SYNC_LOG_CHANGE_FILTERS)[number]): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (scope.tenantIds !== null) conditions.push(Prisma.sql`c."tenantId" IN (${Prisma.join(scope.tenantIds)})`);
  if (which === "open") conditions.push(Prisma.sql`c."handledAt" IS NULL`);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  return Prisma.sql`s.id IN (SELECT c."orderSyncId" FROM "OrderChange" c ${where})`;
}

function whereClause(scope: SyncLogScope, filter: SyncLogFilter, cursor: SyncLogCursor | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (scope.tenantIds !== null) {
    // An empty scope matches nothing (a merchant with no winery), never everything.
    if (scope.tenantIds.length === 0) return Prisma.sql`WHERE false`;
    conditions.push(
      scope.tenantIds.length === 1 ? Prisma.sql`s."tenantId" = ${scope.tenantIds[0]}` : Prisma.sql`s."tenantId" IN (${Prisma.join(scope.tenantIds)})`,
    );
  }
  if (filter.statuses?.length) {
    // Cast to the enum so the index on (tenantId, status, createdAt) is usable.
    const statuses = filter.statuses.map((status) => Prisma.sql`${status}::"SyncStatus"`);
    conditions.push(statuses.length === 1 ? Prisma.sql`s.status = ${statuses[0]}` : Prisma.sql`s.status IN (${Prisma.join(statuses)})`);
  }
  if (filter.causes?.length) {
    conditions.push(Prisma.sql`s."lastErrorClass" IS NOT NULL AND ${causeSql} IN (${Prisma.join(filter.causes)})`);
  }
  if (filter.from) conditions.push(Prisma.sql`s."createdAt" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`s."createdAt" < ${filter.to}`);
  if (filter.search && filter.search.replace(/^#+/, "") !== "") {
    conditions.push(Prisma.sql`s."orderName" ILIKE ${searchPattern(filter.search)}`);
  }
  if (filter.changes) conditions.push(changedAfterSending(scope, filter.changes));
  if (cursor) conditions.push(Prisma.sql`(s."createdAt", s.id) < (${cursor.createdAt}, ${cursor.id})`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/** The SQL of one page, exposed for the benchmark's EXPLAIN ANALYZE. */
export function syncLogPageSql(scope: SyncLogScope, filter: SyncLogFilter, cursor: SyncLogCursor | null, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT s.id, s."tenantId", t.name AS "tenantName", s."orderName", s."orderCreatedAt", s.status::text AS status,
           s.source::text AS source, s.attempts, s."lastErrorClass"::text AS "lastErrorClass", s."lastErrorMessage",
           s."lastErrorFix", s."statusReason", s."vintraceSalesOrderCode", s."tagState"::text AS "tagState",
           s."nextAttemptAt", s."createdAt", s."syncedAt"
    FROM (
      SELECT s.id, s."tenantId", s."orderName", s."orderCreatedAt", s.status, s.source, s.attempts, s."lastErrorClass",
             s."lastErrorMessage", s."lastErrorFix", s."statusReason", s."vintraceSalesOrderCode", s."tagState",
             s."nextAttemptAt", s."createdAt", s."syncedAt"
      FROM "OrderSync" s
      ${whereClause(scope, filter, cursor)}
      ORDER BY s."createdAt" DESC, s.id DESC
      LIMIT ${limit}
    ) s
    JOIN "Tenant" t ON t.id = s."tenantId"
    ORDER BY s."createdAt" DESC, s.id DESC`;
}

export async function listSyncLog(
  db: Db,
  scope: SyncLogScope,
  filter: SyncLogFilter,
  options: { cursor?: SyncLogCursor | null; limit?: number } = {},
): Promise<SyncLogPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), MAX_PAGE_SIZE);
  // One row more than asked says whether there is a next page without a count.
  const rows = await db.$queryRaw<SyncLogRow[]>(syncLogPageSql(scope, filter, options.cursor ?? null, limit + 1));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** Every row the filter matches, a page at a time, for the CSV export. */
export async function* allSyncLogRows(db: Db, scope: SyncLogScope, filter: SyncLogFilter, pageSize = MAX_PAGE_SIZE): AsyncGenerator<SyncLogRow[]> {
  let cursor: SyncLogCursor | null = null;
  do {
    const page: SyncLogPage = await listSyncLog(db, scope, filter, { cursor, limit: pageSize });
    if (page.rows.length) yield page.rows;
    cursor = page.nextCursor;
  } while (cursor);
}
