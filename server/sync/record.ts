// Writing a sync's new state. Every write is fenced by the lease: it applies only while this worker still holds
// the record, so a worker that stalled past its lease cannot overwrite what the worker now holding it decided.
// The step's attempts are inserted by the same statement (they happened whether or not the lease is still ours).
//
// These are the hot path: each order is written twice (its outcome, then its tag). One plain SQL statement per write,
// instead of an ORM update and insert, halves the round trips and skips the query compiler, which were most of a
// worker's CPU per order.
import { randomUUID } from "node:crypto";
import type { Db } from "@/server/db";
import { Prisma, type ErrorClass, type SyncStatus, type TagState } from "@/server/generated/prisma/client";
import { UTC_NOW } from "@/server/lib/sqlTime";
import type { AttemptInsert } from "./attempts";

export interface Lease {
  owner: string;
  leaseMs: number;
}

/** The OrderSync fields the engine changes. */
export interface SyncUpdate {
  status?: SyncStatus;
  statusReason?: string | null;
  attempts?: number;
  nextAttemptAt?: Date | null;
  leaseOwner?: null;
  leaseUntil?: null;
  vintraceSalesOrderId?: number | null;
  vintraceSalesOrderCode?: string | null;
  syncedAt?: Date | null;
  lastErrorClass?: ErrorClass | null;
  lastErrorMessage?: string | null;
  lastErrorFix?: string | null;
  lastErrorHowTo?: string | null;
  missingSkus?: string[];
  warnings?: string[];
  queuedBy?: string | null;
  tagState?: TagState;
  tagAttempts?: number;
  tagError?: string | null;
  payload?: unknown;
  orderName?: string;
  orderCreatedAt?: Date | null;
}

/** The SQL type of each column the engine writes (a test holds it to the Prisma schema). */
export const COLUMN_TYPES: Record<keyof SyncUpdate, string> = {
  status: '"SyncStatus"',
  statusReason: "text",
  attempts: "int",
  nextAttemptAt: "timestamp(3)",
  leaseOwner: "text",
  leaseUntil: "timestamp(3)",
  vintraceSalesOrderId: "int",
  vintraceSalesOrderCode: "text",
  syncedAt: "timestamp(3)",
  lastErrorClass: '"ErrorClass"',
  lastErrorMessage: "text",
  lastErrorFix: "text",
  lastErrorHowTo: "text",
  missingSkus: "text[]",
  warnings: "text[]",
  queuedBy: "text",
  tagState: '"TagState"',
  tagAttempts: "int",
  tagError: "text",
  payload: "jsonb",
  orderName: "text",
  orderCreatedAt: "timestamp(3)",
};

function parameter(column: keyof SyncUpdate, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (column === "payload") return JSON.stringify(value);
  return value;
}

function assignments(data: SyncUpdate): Prisma.Sql {
  const columns = (Object.keys(data) as (keyof SyncUpdate)[]).filter((column) => data[column] !== undefined);
  return Prisma.join(
    [
      ...columns.map((column) => Prisma.sql`${Prisma.raw(`"${column}"`)} = ${parameter(column, data[column])}::${Prisma.raw(COLUMN_TYPES[column])}`),
      Prisma.sql`"updatedAt" = ${UTC_NOW}`,
    ],
    ", ",
  );
}

/** Applies `data` if the lease is still ours, and records `attempts` either way; false when the lease was lost. */
export async function writeFenced(db: Db, id: string, lease: Lease, data: SyncUpdate, attempts: AttemptInsert[] = []): Promise<boolean> {
  const rows = attempts.map((a) => ({ ...a, id: randomUUID() }));
  const [result] = await db.$queryRaw<{ updated: number }[]>`
    WITH u AS (
      UPDATE "OrderSync" SET ${assignments(data)}
      WHERE id = ${id} AND "leaseOwner" = ${lease.owner}
      RETURNING 1
    ), a AS (
      INSERT INTO "SyncAttempt" (id, "orderSyncId", "tenantId", step, outcome, "errorClass", message, request, response, "durationMs", trigger, "createdAt")
      SELECT x.id, x."orderSyncId", x."tenantId", x.step, x.outcome, x."errorClass"::"ErrorClass", x.message, x.request, x.response,
             x."durationMs", x.trigger, x."createdAt"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        id text, "orderSyncId" text, "tenantId" text, step text, outcome text, "errorClass" text, message text,
        request jsonb, response jsonb, "durationMs" int, trigger text, "createdAt" timestamp(3))
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM u)::int AS updated, (SELECT count(*) FROM a)::int AS recorded`;
  return result?.updated === 1;
}

/** The fields that give the record back: nothing further is due unless `nextAttemptAt` says so. */
export const released = { leaseOwner: null, leaseUntil: null } satisfies SyncUpdate;
