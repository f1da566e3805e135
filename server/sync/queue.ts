// The sync queue: the only module that creates OrderSync rows or changes their state, so every transition below is
// written in one place and can be read as a whole. (queue.test.ts fails when another module writes the table.)
//
// A record has three parts of state:
//   status   PENDING  waiting for its (next) try; due at nextAttemptAt
//            HELD     its winery is paused, or still in setup; nextAttemptAt is null, so the claim never takes it
//            SYNCED   vintrace has the sales order (vintraceSalesOrderId)
//            FAILED   given up: a permanent error, or every try used
//            SKIPPED  never to be sent (test order, cancelled, before the winery started, gone from Shopify)
//   tagState NONE → PENDING_CREATED → CREATED   the order's Shopify tag after SYNCED
//            NONE → PENDING_ERROR   → ERROR     the order's Shopify tag after FAILED
//            (PENDING_* are due at nextAttemptAt, as a tag step only: a tag step never sends the order again)
//   metafieldState NONE → PENDING → DONE   the vintrace code in the Shopify order's app-owned metafield, once SYNCED
//            with a code; PENDING is due at nextAttemptAt like a tag step, and never sends the order again either.
//            Given up: back to NONE with metafieldError and metafieldAttempts > 0 (the backfill takes only untried ones).
//   The tag and the metafield are the Shopify steps (shopify-steps.ts): once the sync is decided, nextAttemptAt is the
//            earlier of their next tries, and a pass makes a try of each one still wanting it.
//   lease    leaseOwner/leaseUntil: a worker holds the record until leaseUntil; an expired lease is free again
//
// The legal transitions, and who makes them:
//   (none)            → PENDING or HELD (paused, setup)   enqueue (webhook), enqueueMissed (reconcile), a manual retry
//   free  → leased                                          claimDueSyncs (due PENDING, tag PENDING_* or metafield PENDING,
//                                                           active winery)
//   leased → leased / free                                  renewLeases, holdLease, releaseLeases
//   leased PENDING → SYNCED / FAILED + tag PENDING_* or done, PENDING (retry later), SKIPPED, HELD (paused, setup),
//                    PENDING (waiting for a reinstall)       writeFenced, only while the lease is still ours
//                    SYNCED with a code: + metafield DONE, or PENDING later, or NONE (given up at once)
//   leased tag PENDING_* → CREATED / ERROR, or PENDING_* later   writeFenced
//   leased metafield PENDING → DONE, PENDING later, or NONE (given up)   writeFenced
//   free PENDING → HELD                                     holdQueued (pause)
//   HELD → PENDING                                          releaseHeld (resume, going live)
//   HELD → SKIPPED                                          skipHeldAtGoLive (going live without the orders held in setup)
//   free FAILED → PENDING or HELD, tag PENDING_ERROR → NONE requeueFailed (a fix in settings or products)
//   free FAILED / SKIPPED / HELD → PENDING or HELD          requeueManually (bulk retry)
//   free PENDING backing off → due now                      expedite (bulk retry)
//   free any → SYNCED + tag PENDING_CREATED or CREATED      recordAlreadySynced (bulk retry found it in vintrace)
//              + metafield PENDING (a code, not yet DONE)
//   free SYNCED with a code, metafield NONE never tried → PENDING, due now   queueMetafieldBackfill (reconciliation)
//   free PENDING / HELD / FAILED → SKIPPED (cancelled)      skipCancelled (an orders/cancelled before it was sent)
// Whatever queues a record makes it HELD (paused, setup) while its winery is not live (holdOrQueue).
// Nothing but a worker holding the lease changes a leased record; every other writer requires `notLeased`.
// Payload-only writes change no state: a customer's redaction, the retention purge, content filled in for a record
// stored before content was kept (fillMissingContent), and, for a record not sent
// (PENDING, HELD, FAILED, SKIPPED) and not leased, Shopify's edit of the order (replaceUnsentPayload) or its refund
// (addUnsentWarning), applied by the after-sale processor (server/order-changes), whose deliveries are stored by
// storeOrderEvent (server/order-changes/events.ts) in one statement beside `enqueue`'s pattern.
// `content` and `contentHash` (server/order-changes/content.ts) always follow `payload`: every write of a payload
// writes them too, so for a synced record they are what was sent.
//
// Whatever makes a record due wakes the workers with notifyOrderSyncDue (or pg_notify in the same statement).
import "server-only";
import { randomUUID } from "node:crypto";
import { databaseOf, queryRows, type Db } from "@/server/db";
import {
  Prisma,
  type ErrorClass,
  type MetafieldState,
  type OrderSync,
  type SyncStatus,
  type TagState,
  type TenantStatus,
} from "@/server/generated/prisma/client";
import type { AttemptInsert } from "./attempts";
import { sqlTimestamp, UTC_NOW } from "@/server/lib/sql-time";
import { contentWithHash, type OrderContent } from "@/server/order-changes/content";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Writer = Db | Tx;

/** Why a record is held, waiting, skipped or synced without a send, in the words the winery reads. */
export const REASONS = {
  paused: "Held: syncing is paused for this winery. Resume it to send this order.",
  setup: "Held: setup not finished. The order is sent when the winery goes live (the last step of Set up), if it chooses to send the orders held during setup.",
  uninstalled: "Waiting: the app was uninstalled from this Shopify shop. The order is sent once the app is installed again.",
  orderGone: "Skipped: Shopify no longer has this order.",
  orderGoneBecause: (detail: string) => `Skipped: Shopify no longer has this order (${detail}).`,
  cancelled: (at: string) => `Skipped: the order was cancelled in Shopify (${at}) before it was sent to vintrace.`,
  notSentAtGoLive:
    "Skipped: this order arrived while the winery was being set up, and the winery chose not to send the orders held during setup when it started sending orders.",
  testOrder: "Skipped: this is a Shopify test order. To send test orders to vintrace, turn on \"Sync test orders\" in Settings.",
  beforeStart: (day: string) =>
    `Skipped: the order was placed before ${day}, when this winery started syncing. Earlier orders are never sent, so onboarding does not push history into vintrace.`,
  foundByWorker: "vintrace already had this order (found by its external transaction id); it was not sent again.",
  foundByRetry: "vintrace already had this order (found during a manual retry); it was not sent again.",
} as const;

// ---- Waking the workers -------------------------------------------------------------------------------------------

/** Workers LISTEN on this channel; the payload is the tenant id. */
export const ORDER_SYNC_DUE_CHANNEL = "order_sync_due";

/** Embedded PGlite has no LISTEN/NOTIFY: there the worker polls, and notifying is a no-op. */
const listensForDue = (db: object) => !databaseOf(db)?.embedded;

/** Wakes the workers (delivered when the surrounding transaction, if any, commits). */
export async function notifyOrderSyncDue(db: Pick<Db, "$executeRaw">, tenantId: string): Promise<void> {
  if (!listensForDue(db)) return;
  await db.$executeRaw`SELECT pg_notify(${ORDER_SYNC_DUE_CHANNEL}, ${tenantId})`;
}

// ---- The lease ----------------------------------------------------------------------------------------------------

/** No worker holds the record: never leased, or its lease expired (a crashed worker's record comes back this way). */
export const notLeased = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] }) satisfies Prisma.OrderSyncWhereInput;

/** A worker holds the record now: the in-memory opposite of `notLeased`, for a record already read. */
export const isLeased = (row: Pick<OrderSync, "leaseUntil">, now: Date) => row.leaseUntil !== null && row.leaseUntil > now;

/** The same predicate in SQL, over "OrderSync" aliased as `s`, for the claim. */
const NOT_LEASED_SQL = Prisma.sql`(s."leaseUntil" IS NULL OR s."leaseUntil" <= ${UTC_NOW})`;

export interface Lease {
  owner: string;
  leaseMs: number;
}

// ---- Intake -------------------------------------------------------------------------------------------------------

export interface Intake {
  shopDomain: string;
  orderGid: string;
  orderName: string;
  /** ISO time, or null when Shopify sent none */
  orderCreatedAt: string | null;
  /** the body as received: PostgreSQL parses it, so 64-bit ids keep every digit */
  rawBody: string;
  /** the order's content and its hash, computed from the body */
  content: OrderContent | null;
  contentHash: string | null;
  /** store only if the tenant's signing secret is (true) or is not (false) its own */
  signedWithOwnSecret: boolean;
  delivery: { webhookId: string; eventId: string | null; dedupKey: string; triggeredAt: string | null };
  now: Date;
}

export interface EnqueueResult {
  /** null: no tenant has this shop domain */
  tenantStatus: TenantStatus | null;
  ownSecret: boolean | null;
  created: number;
  delivered: number;
}

/**
 * The first common table expressions of every webhook intake statement: `t`, the tenant of the shop (status, and
 * whether it signs with its own secret), and `ok`, that tenant when the delivery may be stored (installed, and signed
 * as `signedWithOwnSecret` says).
 */
export const intakeTenant = (shopDomain: string, signedWithOwnSecret: boolean) => Prisma.sql`
    t AS (
      SELECT t."id", t."status", c."webhookSecretEnc" IS NOT NULL AS "ownSecret"
      FROM "Tenant" t LEFT JOIN "ShopifyConnection" c ON c."tenantId" = t."id"
      WHERE t."shopDomain" = ${shopDomain}
    ), ok AS (
      SELECT "id", "status" FROM t WHERE "status" <> 'UNINSTALLED' AND "ownSecret" = ${signedWithOwnSecret}::boolean
    )`;

/**
 * The webhook's fast path, in ONE statement (one transaction, one round trip): finds the tenant, stores the delivery
 * and the order's record (PENDING, or HELD when the winery is paused or still in setup), and wakes the workers. It stores only when the
 * tenant is installed and signs as `signedWithOwnSecret` says. An existing record is left as it is, and so is a
 * delivery already seen. pg_notify inside the statement is delivered at commit, so a worker never wakes before the
 * row is visible.
 */
export async function enqueue(db: Db, intake: Intake): Promise<EnqueueResult> {
  const at = intake.now.toISOString();
  const { delivery } = intake;
  const rows = await queryRows<EnqueueResult>(db, Prisma.sql`
    WITH ${intakeTenant(intake.shopDomain, intake.signedWithOwnSecret)}, o AS (
      INSERT INTO "OrderSync" ("id", "tenantId", "orderGid", "orderName", "orderCreatedAt", "status", "source", "nextAttemptAt",
                               "statusReason", "payload", "content", "contentHash", "createdAt", "updatedAt")
      SELECT ${randomUUID()}, ok."id", ${intake.orderGid}, ${intake.orderName}, ${sqlTimestamp(intake.orderCreatedAt)},
             (CASE WHEN ok."status" IN ('PAUSED', 'SETUP') THEN 'HELD' ELSE 'PENDING' END)::"SyncStatus", 'WEBHOOK', ${sqlTimestamp(at)},
             CASE ok."status" WHEN 'PAUSED' THEN ${REASONS.paused}::text WHEN 'SETUP' THEN ${REASONS.setup}::text END,
             ${intake.rawBody}::jsonb, ${intake.content === null ? null : JSON.stringify(intake.content)}::jsonb, ${intake.contentHash}::text,
             ${sqlTimestamp(at)}, ${sqlTimestamp(at)}
      FROM ok
      ON CONFLICT ("tenantId", "orderGid") DO NOTHING
      RETURNING "tenantId", "status"
    ), d AS (
      INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "webhookId", "eventId", "dedupKey", "triggeredAt", "receivedAt", "outcome")
      SELECT ${randomUUID()}, ${intake.shopDomain}, 'orders/create', ${delivery.webhookId}, ${delivery.eventId}::text,
             ${delivery.dedupKey}, ${sqlTimestamp(delivery.triggeredAt)}, ${sqlTimestamp(at)},
             CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'order-known' WHEN ok."status" IN ('PAUSED', 'SETUP') THEN 'held' ELSE 'queued' END
      FROM ok
      ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING
      RETURNING 1
    ), n AS (
      SELECT pg_notify(${ORDER_SYNC_DUE_CHANNEL}, o."tenantId") FROM o WHERE o."status" = 'PENDING' AND ${listensForDue(db)}::boolean
    )
    SELECT (SELECT "status"::text FROM t) AS "tenantStatus", (SELECT "ownSecret" FROM t) AS "ownSecret",
           (SELECT count(*) FROM o)::int AS "created", (SELECT count(*) FROM d)::int AS "delivered", (SELECT count(*) FROM n)::int AS "notified"`);
  return rows[0];
}

/**
 * The state a record queued now takes: PENDING and due now for a live winery, HELD with the reason for one that is
 * paused or still in setup. The winery is read under a share lock on its row, so a pause, resume or going live (each
 * changes that row, then holds or releases the winery's records, in one transaction) cannot fall between this read
 * and the caller's write in the same transaction: the write either lands first and is held or released with the
 * rest, or waits and sees the new status.
 */
async function holdOrQueue(tx: Tx, tenantId: string, now: Date) {
  const [tenant] = await tx.$queryRaw<{ status: TenantStatus }[]>`SELECT status FROM "Tenant" WHERE id = ${tenantId} FOR SHARE`;
  const reason = tenant?.status === "PAUSED" ? REASONS.paused : tenant?.status === "SETUP" ? REASONS.setup : null;
  return reason
    ? { status: "HELD" as const, statusReason: reason, nextAttemptAt: null }
    : { status: "PENDING" as const, statusReason: null, nextAttemptAt: now };
}

/**
 * Queues orders whose webhook never came (source RECONCILE), held while the winery is not live; a record made
 * meanwhile (a late webhook) wins.
 */
export async function enqueueMissed(db: Db, tenantId: string, orders: { id: string; name: string; createdAt: string }[]) {
  if (orders.length === 0) return [];
  const { created, state } = await db.$transaction(async (tx) => {
    const state = await holdOrQueue(tx, tenantId, new Date());
    const created = await tx.orderSync.createManyAndReturn({
      data: orders.map((o) => ({
        tenantId,
        orderGid: o.id,
        orderName: o.name,
        orderCreatedAt: new Date(o.createdAt),
        source: "RECONCILE" as const,
        ...state,
        queuedBy: "reconcile",
      })),
      skipDuplicates: true,
      select: { orderGid: true, orderName: true },
    });
    return { created, state };
  });
  if (created.length > 0 && state.status === "PENDING") await notifyOrderSyncDue(db, tenantId);
  return created;
}

// ---- The claim and the lease (fairness is explained at claimDueSyncs) -----------------------------------------------

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

/**
 * Claims due records, fairly and safely across any number of worker processes.
 *
 * Due: a sync waiting for its (re)try (status PENDING) or a Shopify step waiting (tagState PENDING_*, metafieldState
 * PENDING), whose nextAttemptAt has come, and whose lease is free or has expired, of an active winery (a paused one's
 * wait for resume; an uninstalled one's for the app to be installed again). The claim takes a lease instead of
 * holding a row lock for the whole sync, so a sync can last many seconds without a transaction open, and a worker
 * that dies simply lets its leases lapse.
 *
 * Fairness: each winery's oldest due records are ranked 1, 2, 3…, and the claim takes all the rank-1 records before
 * any rank-2 one, so one winery's backlog of thousands waits its turn behind every other winery's first order. A
 * winery has at most `perTenantLimit` records leased across all workers, counted from the leases in the database;
 * two claims in the very same instant each see the other's leases only once committed, so for a moment a winery may
 * have up to (claiming workers × limit). The limit protects vintrace from a burst, and vintrace requests are paced
 * per winery as well (pacer.ts); exactness would cost a transaction per claim.
 */
export async function claimDueSyncs(db: Db, options: ClaimOptions): Promise<OrderSync[]> {
  if (options.limit <= 0) return [];
  const only = options.onlyTenants ?? null;
  // One statement, so one round trip: claims run at the rate orders complete.
  return db.$queryRaw<OrderSync[]>`
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
          AND (s.status = 'PENDING' OR s."tagState" IN ('PENDING_CREATED', 'PENDING_ERROR') OR s."metafieldState" = 'PENDING')
          AND ${NOT_LEASED_SQL}
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
        AND ${NOT_LEASED_SQL}
      FOR UPDATE OF s SKIP LOCKED
    )
    UPDATE "OrderSync" u
    SET "leaseOwner" = ${options.owner},
        "leaseUntil" = ${UTC_NOW} + ${options.leaseMs}::int * interval '1 millisecond',
        attempts = u.attempts + CASE WHEN u.status = 'PENDING' THEN 1 ELSE 0 END
    FROM locked
    WHERE u.id = locked.id
    RETURNING u.*`;
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

/** Gives back leases without changing anything else (graceful shutdown: work not started, or still running past the grace). */
export async function releaseLeases(db: Db, owner: string, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  return ids
    ? db.$executeRaw`UPDATE "OrderSync" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${owner} AND id = ANY(${ids}::text[])`
    : db.$executeRaw`UPDATE "OrderSync" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${owner}`;
}

// ---- The worker's fenced writes -------------------------------------------------------------------------------------
// Every write is fenced by the lease: it applies only while this worker still holds the record, so a worker that
// stalled past its lease cannot overwrite what the worker now holding it decided. The step's attempts are inserted by
// the same statement (they happened whether or not the lease is still ours). These are the hot path: each order is
// written twice (its outcome, then its tag). One plain SQL statement per write, instead of an ORM update and insert,
// halves the round trips and skips the query compiler, which were most of a worker's CPU per order.

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
  lastErrorCause?: string | null;
  lastErrorVintraceText?: string | null;
  missingSkus?: string[];
  warnings?: string[];
  queuedBy?: string | null;
  tagState?: TagState;
  tagAttempts?: number;
  tagError?: string | null;
  metafieldState?: MetafieldState;
  metafieldAttempts?: number;
  metafieldError?: string | null;
  payload?: unknown;
  /** set with payload by writeFenced, never by a caller */
  content?: OrderContent | null;
  contentHash?: string | null;
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
  lastErrorCause: "text",
  lastErrorVintraceText: "text",
  missingSkus: "text[]",
  warnings: "text[]",
  queuedBy: "text",
  tagState: '"TagState"',
  tagAttempts: "int",
  tagError: "text",
  metafieldState: '"MetafieldState"',
  metafieldAttempts: "int",
  metafieldError: "text",
  payload: "jsonb",
  content: "jsonb",
  contentHash: "text",
  orderName: "text",
  orderCreatedAt: "timestamp(3)",
};

function parameter(column: keyof SyncUpdate, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (column === "payload" || column === "content") return JSON.stringify(value);
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

/** A write that replaces the payload replaces its content and hash with it. */
const withContent = (data: SyncUpdate): SyncUpdate => (data.payload === undefined ? data : { ...data, ...contentWithHash(data.payload) });

/** Applies `data` if the lease is still ours, and records `attempts` either way; false when the lease was lost. */
export async function writeFenced(db: Db, id: string, lease: Lease, update: SyncUpdate, attempts: AttemptInsert[] = []): Promise<boolean> {
  const data = withContent(update);
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

// ---- Hold and release (pausing a winery) ----------------------------------------------------------------------------

/** Holds a paused winery's queued records; those in a worker's hands finish their current step. */
export async function holdQueued(tx: Writer, tenantId: string, now: Date): Promise<number> {
  const held = await tx.orderSync.updateMany({
    where: { tenantId, status: "PENDING", ...notLeased(now) },
    data: { status: "HELD", statusReason: REASONS.paused, nextAttemptAt: null },
  });
  return held.count;
}

/**
 * Queues a winery's held records again, oldest order first in its original order, since the claim takes each
 * winery's records by nextAttemptAt. The caller wakes the workers once its transaction committed.
 */
export async function releaseHeld(tx: Writer, tenantId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE "OrderSync"
    SET status = 'PENDING', "statusReason" = NULL, "nextAttemptAt" = COALESCE("orderCreatedAt", "createdAt"), "updatedAt" = ${UTC_NOW}
    WHERE "tenantId" = ${tenantId} AND status = 'HELD'`;
}

/**
 * Going live without the orders held during setup: each held record becomes SKIPPED with the reason, except the
 * orders in `keep` (chosen to be sent another way, by date). Held records only: nothing in a worker's hands is held.
 */
export async function skipHeldAtGoLive(tx: Writer, tenantId: string, keep: string[]): Promise<number> {
  const { count } = await tx.orderSync.updateMany({
    where: { tenantId, status: "HELD", orderGid: { notIn: keep } },
    data: { status: "SKIPPED", statusReason: REASONS.notSentAtGoLive, nextAttemptAt: null },
  });
  return count;
}

// ---- Requeue (a fix, or a person asking) ---------------------------------------------------------------------------

/**
 * Queues a winery's failures matching `where` again, from the first try (held while the winery is not live). A
 * failure whose error tag was never written needs none now; one that was tagged keeps its tag until the retry
 * succeeds, which removes it.
 */
export async function requeueFailed(db: Db, tenantId: string, where: Prisma.OrderSyncWhereInput, queuedBy: string, now: Date): Promise<number> {
  const { count, state } = await db.$transaction(async (tx) => {
    const state = await holdOrQueue(tx, tenantId, now);
    const { count } = await tx.orderSync.updateMany({
      where: { tenantId, status: "FAILED", ...notLeased(now), ...where },
      data: { ...state, attempts: 0, queuedBy },
    });
    if (count > 0) await tx.orderSync.updateMany({ where: { tenantId, status: state.status, queuedBy, tagState: "PENDING_ERROR" }, data: { tagState: "NONE" } });
    return { count, state };
  });
  if (count > 0 && state.status === "PENDING") await notifyOrderSyncDue(db, tenantId);
  return count;
}

/** A record backing off after a failure is made due now; false when it is not waiting (any more). */
export async function expedite(db: Db, id: string, queuedBy: string, now: Date): Promise<boolean> {
  const { count } = await db.orderSync.updateMany({
    where: { id, status: "PENDING", nextAttemptAt: { gt: now }, ...notLeased(now) },
    data: { nextAttemptAt: now, queuedBy },
  });
  return count === 1;
}

/** An order a person asked for by name; `record` is ours for it, if any. */
export interface ManualOrder {
  tenantId: string;
  order: { gid: string; name: string; createdAt: string };
  record: Pick<OrderSync, "id" | "tagState" | "metafieldState"> | null;
  queuedBy: string;
  now: Date;
}

type ManualFields = Omit<Prisma.OrderSyncCreateManyInput, "tenantId" | "orderGid" | "orderName" | "source">;

/** The fields of a record's last error, emptied: a record that syncs or is queued again carries no old error. */
export const clearedError = {
  lastErrorClass: null,
  lastErrorMessage: null,
  lastErrorFix: null,
  lastErrorHowTo: null,
  lastErrorCause: null,
  lastErrorVintraceText: null,
  missingSkus: [],
} satisfies ManualFields;

/**
 * Queues a FAILED, SKIPPED or HELD record from the first try (HELD again while the winery is paused or still in
 * setup), or creates one; false when a sync of it started meanwhile. An error tag never written is no longer wanted.
 */
export async function requeueManually(db: Db, manual: ManualOrder): Promise<boolean> {
  const { record, now } = manual;
  return db.$transaction(async (tx) => {
    const fields: ManualFields = { ...(await holdOrQueue(tx, manual.tenantId, now)), attempts: 0, ...clearedError, queuedBy: manual.queuedBy };
    if (!record) return createManual(tx, manual, fields);
    const { count } = await tx.orderSync.updateMany({
      where: { id: record.id, status: { in: ["FAILED", "SKIPPED", "HELD"] }, ...notLeased(now) },
      data: { ...fields, ...(record.tagState === "PENDING_ERROR" ? { tagState: "NONE" as const } : {}) },
    });
    return count === 1;
  });
}

/**
 * Records that vintrace has the order (`found`: we learnt it just now, so it is marked synced now), and queues the
 * created tag when the Shopify order lacks it, and the code's metafield unless it is written; false when a sync of it
 * started meanwhile.
 */
export async function recordAlreadySynced(
  db: Db,
  manual: ManualOrder,
  salesOrder: { id: number; code: string | null; found: boolean; tagNeedsCorrection: boolean },
): Promise<boolean> {
  const { record, now } = manual;
  const metafieldDue = salesOrder.code !== null && record?.metafieldState !== "DONE";
  const fields: ManualFields = {
    status: "SYNCED",
    vintraceSalesOrderId: salesOrder.id,
    vintraceSalesOrderCode: salesOrder.code,
    ...(salesOrder.found ? { syncedAt: now, statusReason: REASONS.foundByRetry } : {}),
    ...clearedError,
    tagState: salesOrder.tagNeedsCorrection ? "PENDING_CREATED" : "CREATED",
    tagAttempts: 0,
    tagError: null,
    ...(metafieldDue ? { metafieldState: "PENDING", metafieldAttempts: 0, metafieldError: null } : {}),
    nextAttemptAt: salesOrder.tagNeedsCorrection || metafieldDue ? now : null,
    queuedBy: manual.queuedBy,
  };
  if (!record) return createManual(db, manual, fields);
  const { count } = await db.orderSync.updateMany({ where: { id: record.id, ...notLeased(now) }, data: fields });
  return count === 1;
}

/** A record for an order we never held; false when one appeared meanwhile (a webhook, reconciliation). */
async function createManual(db: Writer, manual: ManualOrder, fields: ManualFields): Promise<boolean> {
  const { order } = manual;
  const created = await db.orderSync.createMany({
    data: [{ ...fields, tenantId: manual.tenantId, orderGid: order.gid, orderName: order.name, orderCreatedAt: new Date(order.createdAt), source: "MANUAL" }],
    skipDuplicates: true,
  });
  return created.count === 1;
}

// ---- The metafield backfill ----------------------------------------------------------------------------------------

/**
 * Makes the metafield step due now for at most `limit` of a winery's orders synced before the step existed (SYNCED,
 * a code, metafield NONE and never tried), oldest first, and wakes the workers; returns how many.
 */
export async function queueMetafieldBackfill(db: Db, tenantId: string, limit: number): Promise<number> {
  // The lease is checked on the row updated as well: a worker that leased it meanwhile keeps it.
  const count = await db.$executeRaw`
    UPDATE "OrderSync" u
    SET "metafieldState" = 'PENDING', "nextAttemptAt" = ${UTC_NOW}, "updatedAt" = ${UTC_NOW}
    WHERE u.id IN (
      SELECT s.id FROM "OrderSync" s
      WHERE s."tenantId" = ${tenantId} AND s.status = 'SYNCED' AND s."vintraceSalesOrderCode" IS NOT NULL
        AND s."metafieldState" = 'NONE' AND s."metafieldAttempts" = 0 AND ${NOT_LEASED_SQL}
      ORDER BY s."createdAt", s.id
      LIMIT ${limit})
      AND (u."leaseUntil" IS NULL OR u."leaseUntil" <= ${UTC_NOW})`;
  if (count > 0) await notifyOrderSyncDue(db, tenantId);
  return count;
}

// ---- After-sale changes to an order not sent (server/order-changes applies them) --------------------------------------

/** The statuses of a record vintrace does not have: Shopify's later changes update the record instead of listing it. */
export const UNSENT_STATUSES = ["PENDING", "HELD", "FAILED", "SKIPPED"] as const satisfies SyncStatus[];

/**
 * An order cancelled in Shopify before it was sent is never sent: a free PENDING, HELD or FAILED record becomes
 * SKIPPED with the reason (an error tag not yet written is no longer wanted). False when it is leased or not one of
 * those (a worker is sending it now: the caller tries again once the lease is gone).
 */
export async function skipCancelled(db: Writer, id: string, cancelledAt: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "OrderSync" s
    SET status = 'SKIPPED', "statusReason" = ${REASONS.cancelled(cancelledAt)}, "nextAttemptAt" = NULL, "queuedBy" = NULL,
        "tagState" = CASE WHEN s."tagState" = 'PENDING_ERROR' THEN 'NONE'::"TagState" ELSE s."tagState" END, "updatedAt" = ${UTC_NOW}
    WHERE s.id = ${id} AND s.status IN ('PENDING', 'HELD', 'FAILED') AND ${NOT_LEASED_SQL}`;
  return count === 1;
}

/**
 * An edit to an order not yet sent: the record holds Shopify's current order from now on (payload, content and
 * hash), so whichever try comes next sends that. Only while the record is free, unsent, and still holds the version
 * `expectedHash` the caller read, so a payload fetched or replaced meanwhile is never overwritten by an older one.
 */
export async function replaceUnsentPayload(db: Writer, id: string, payload: unknown, expectedHash: string | null, now: Date): Promise<boolean> {
  const { content, contentHash } = contentWithHash(payload);
  const { count } = await db.orderSync.updateMany({
    where: { id, status: { in: [...UNSENT_STATUSES] }, contentHash: expectedHash, ...notLeased(now) },
    data: { payload: payload as Prisma.InputJsonValue, content: content ?? Prisma.DbNull, contentHash },
  });
  return count === 1;
}

/**
 * A refund of an order not yet sent: a line among the record's warnings. False when it is leased, sent, or has the
 * line already (the caller looks first).
 */
export async function addUnsentWarning(db: Writer, id: string, warning: string, now: Date): Promise<boolean> {
  const { count } = await db.orderSync.updateMany({
    where: { id, status: { in: [...UNSENT_STATUSES] }, NOT: { warnings: { has: warning } }, ...notLeased(now) },
    data: { warnings: { push: warning } },
  });
  return count === 1;
}

// ---- Payload-only writes ---------------------------------------------------------------------------------------------

/**
 * A record stored before content was kept gets it from its payload (for a synced record, what was sent), so that the
 * intake can drop its unchanged orders/updated from then on. Nothing changes when it has content by now.
 */
export async function fillMissingContent(db: Writer, id: string, payload: unknown): Promise<void> {
  const { content, contentHash } = contentWithHash(payload);
  if (!content) return;
  await db.orderSync.updateMany({ where: { id, contentHash: null }, data: { content, contentHash } });
}

/** Replaces a record's stored Shopify payload and content with their redacted copies (a customer's erasure). */
export async function redactPayload(tx: Writer, id: string, payload: Prisma.InputJsonValue | null, content: Prisma.InputJsonValue | null): Promise<void> {
  await tx.orderSync.update({ where: { id }, data: { payload: payload ?? Prisma.DbNull, content: content ?? Prisma.DbNull } });
}

/**
 * Drops the stored payloads, and the content taken from them (names, addresses), of finished records created before
 * `cutoff`, at most `limit` of them; records still waiting (PENDING, HELD) keep theirs, they will need it. The hash
 * stays: it holds nothing readable, and still lets an unchanged orders/updated be dropped at intake.
 */
export async function purgeFinishedPayloads(db: Db, cutoff: Date, limit: number): Promise<number> {
  return db.$executeRaw`
    UPDATE "OrderSync" SET payload = NULL, content = NULL
    WHERE id IN (
      SELECT id FROM "OrderSync"
      WHERE "createdAt" < ${cutoff} AND payload IS NOT NULL AND status IN ('SYNCED', 'FAILED', 'SKIPPED')
      LIMIT ${limit})`;
}
