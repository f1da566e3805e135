// Claiming due sync records, fairly and safely across any number of worker processes.
//
// Due: a sync waiting for its (re)try (status PENDING) or a tag step waiting (tagState PENDING_*), whose
// nextAttemptAt has come, and whose lease is free or has expired (a crashed worker's records come back this way),
// of an active winery (a paused one's wait for resume; an uninstalled one's for the app to be installed again).
// The claim takes a lease (leaseOwner, leaseUntil) instead of holding a row lock for the whole sync, so a sync can
// last many seconds without a transaction open, and a worker that dies simply lets its leases lapse.
//
// Fairness: each winery's oldest due records are ranked 1, 2, 3…, and the claim takes all the rank-1 records
// before any rank-2 one, so one winery's backlog of thousands waits its turn behind every other winery's first
// order. A winery has at most `perTenantLimit` records leased across all workers, counted from the leases in
// the database; two claims in the very same instant each see the other's leases only once committed, so for a
// moment a winery may have up to (claiming workers × limit). The limit protects vintrace from a burst, and
// vintrace requests are paced per winery as well (pacer.ts); exactness would cost a transaction per claim.
import type { Db } from "@/server/db";
import type { OrderSync } from "@/server/generated/prisma/client";
import { UTC_NOW } from "@/server/lib/sqlTime";

export interface ClaimOptions {
  owner: string;
  /** at most this many records */
  limit: number;
  /** at most this many leased records per winery, counting every worker's */
  perTenantLimit: number;
  leaseMs: number;
  /** claim only these wineries' records (a worker dedicated to some wineries; tests sharing a database) */
  onlyTenants?: string[] | null;
}

export const DEFAULT_PER_TENANT_LIMIT = 4;

export async function claimDueSyncs(db: Db, options: ClaimOptions): Promise<OrderSync[]> {
  if (options.limit <= 0) return [];
  const only = options.onlyTenants ?? null;
  // One statement, so one round trip: claims run at the rate orders complete.
  const rows = await db.$queryRaw<OrderSync[]>`
    WITH inflight AS (
      SELECT "tenantId", count(*)::int AS n
      FROM "OrderSync"
      WHERE "leaseUntil" > ${UTC_NOW}
      GROUP BY "tenantId"
    ),
    candidates AS (
      SELECT c.id, c."nextAttemptAt",
             row_number() OVER (PARTITION BY t.id ORDER BY c."nextAttemptAt", c.id) AS rank,
             COALESCE(i.n, 0) AS busy
      FROM "Tenant" t
      LEFT JOIN inflight i ON i."tenantId" = t.id
      CROSS JOIN LATERAL (
        SELECT s.id, s."nextAttemptAt"
        FROM "OrderSync" s
        WHERE s."tenantId" = t.id
          AND s."nextAttemptAt" <= ${UTC_NOW}
          AND (s.status = 'PENDING' OR s."tagState" IN ('PENDING_CREATED', 'PENDING_ERROR'))
          AND (s."leaseUntil" IS NULL OR s."leaseUntil" <= ${UTC_NOW})
        ORDER BY s."nextAttemptAt"
        LIMIT ${options.perTenantLimit}
      ) c
      WHERE t.status = 'ACTIVE'
        AND (${only}::text[] IS NULL OR t.id = ANY(${only}::text[]))
    ),
    chosen AS (
      SELECT id FROM candidates
      WHERE rank <= ${options.perTenantLimit} - busy
      ORDER BY rank, "nextAttemptAt"
      LIMIT ${options.limit}
    ),
    locked AS (
      SELECT s.id FROM "OrderSync" s
      WHERE s.id IN (SELECT id FROM chosen)
        AND (s."leaseUntil" IS NULL OR s."leaseUntil" <= ${UTC_NOW})
      FOR UPDATE OF s SKIP LOCKED
    )
    UPDATE "OrderSync" u
    SET "leaseOwner" = ${options.owner},
        "leaseUntil" = ${UTC_NOW} + ${options.leaseMs}::int * interval '1 millisecond',
        attempts = u.attempts + CASE WHEN u.status = 'PENDING' THEN 1 ELSE 0 END
    FROM locked
    WHERE u.id = locked.id
    RETURNING u.*`;
  return rows;
}

/** Pushes the lease of records still in hand further out; returns how many were ours to extend. */
export async function renewLeases(db: Db, owner: string, ids: string[], leaseMs: number): Promise<number> {
  if (ids.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "OrderSync" SET "leaseUntil" = ${UTC_NOW} + ${leaseMs}::int * interval '1 millisecond'
    WHERE id = ANY(${ids}::text[]) AND "leaseOwner" = ${owner}`;
}

/**
 * Confirms the lease is still ours and unexpired, and extends it: asked right before a POST, so a worker that was
 * stalled past its lease (and whose record another worker may now hold) never sends the order.
 */
export async function holdLease(db: Db, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "OrderSync" SET "leaseUntil" = ${UTC_NOW} + ${leaseMs}::int * interval '1 millisecond'
    WHERE id = ${id} AND "leaseOwner" = ${owner} AND "leaseUntil" > ${UTC_NOW}`;
  return count === 1;
}

/** Gives back leases without changing anything else (graceful shutdown of work not started). */
export async function releaseLeases(db: Db, owner: string, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  return ids
    ? db.$executeRaw`UPDATE "OrderSync" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${owner} AND id = ANY(${ids}::text[])`
    : db.$executeRaw`UPDATE "OrderSync" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${owner}`;
}
