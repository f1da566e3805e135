// The stored after-sale deliveries (OrderEvent): the intake's single statement, and how the processor finds, locks
// and settles them. OrderSync is only read here; its changes go through server/sync/queue.ts.
import "server-only";
import { randomUUID } from "node:crypto";
import { queryRows, type Db } from "@/server/db";
import { Prisma, type TenantStatus } from "@/server/generated/prisma/client";
import { sqlTimestamp } from "@/server/lib/sql-time";
import { intakeTenant } from "@/server/sync/queue";

/** The four topics that tell of an order changed after it was placed. */
export const ORDER_CHANGE_TOPICS = ["orders/cancelled", "orders/updated", "orders/edited", "refunds/create"] as const;
export type OrderChangeTopic = (typeof ORDER_CHANGE_TOPICS)[number];

export interface OrderEventIntake {
  shopDomain: string;
  topic: OrderChangeTopic;
  orderGid: string;
  /** ISO: the order's updated_at, the edit's or the refund's created_at */
  occurredAt: string | null;
  /** the body as received: PostgreSQL parses it, so 64-bit ids keep every digit */
  rawBody: string;
  /** orders/updated only: the content hash of the order in the body; equal to the record's, nothing is stored */
  contentHash: string | null;
  /** store only if the tenant's signing secret is (true) or is not (false) its own */
  signedWithOwnSecret: boolean;
  delivery: { webhookId: string; eventId: string | null; dedupKey: string; triggeredAt: string | null };
  now: Date;
}

export interface OrderEventStored {
  /** null: no tenant has this shop domain */
  tenantStatus: TenantStatus | null;
  ownSecret: boolean | null;
  /** the delivery was new */
  delivered: number;
  /** an OrderEvent was stored (a new delivery that changes something we keep) */
  stored: number;
}

/**
 * The after-sale webhooks' fast path in ONE statement, like the queue's `enqueue`: finds the tenant, stores the
 * delivery (deduplicated by its event id) and, only when the delivery is new, the OrderEvent. An orders/updated
 * whose content hash equals the order's record (our own tag write, a note, a fulfilment) keeps only the delivery
 * row: it is the bulk of the traffic and changes nothing vintrace holds. It is stored all the same while an open
 * "Edited" entry or a waiting event could still need it: an order edited back to what was sent clears the entry. Stores nothing unless the tenant is
 * installed and signs as `signedWithOwnSecret` says.
 */
export async function storeOrderEvent(db: Db, intake: OrderEventIntake): Promise<OrderEventStored> {
  const at = sqlTimestamp(intake.now);
  const { delivery } = intake;
  const rows = await queryRows<OrderEventStored>(db, Prisma.sql`
    WITH ${intakeTenant(intake.shopDomain, intake.signedWithOwnSecret)}, same AS (
      SELECT EXISTS (
        SELECT 1 FROM "OrderSync" s, ok
        WHERE s."tenantId" = ok."id" AND s."orderGid" = ${intake.orderGid} AND s."contentHash" = ${intake.contentHash}::text
          AND NOT EXISTS (SELECT 1 FROM "OrderChange" c WHERE c."orderSyncId" = s."id" AND c."kind" = 'EDITED' AND c."handledAt" IS NULL)
          AND NOT EXISTS (SELECT 1 FROM "OrderEvent" w WHERE w."tenantId" = ok."id" AND w."orderGid" = ${intake.orderGid} AND w."processedAt" IS NULL)
      ) AS "unchanged"
    ), d AS (
      INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "webhookId", "eventId", "dedupKey", "triggeredAt", "receivedAt", "outcome")
      SELECT ${randomUUID()}, ${intake.shopDomain}, ${intake.topic}, ${delivery.webhookId}, ${delivery.eventId}::text,
             ${delivery.dedupKey}, ${sqlTimestamp(delivery.triggeredAt)}, ${at},
             CASE WHEN same."unchanged" THEN 'unchanged' ELSE 'event-stored' END
      FROM ok, same
      ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING
      RETURNING 1
    ), e AS (
      INSERT INTO "OrderEvent" ("id", "tenantId", "orderGid", "topic", "occurredAt", "payload", "receivedAt")
      SELECT ${randomUUID()}, ok."id", ${intake.orderGid}, ${intake.topic}, ${sqlTimestamp(intake.occurredAt)}, ${intake.rawBody}::jsonb, ${at}
      FROM ok, same
      WHERE EXISTS (SELECT 1 FROM d) AND NOT same."unchanged"
      RETURNING 1
    )
    SELECT (SELECT "status"::text FROM t) AS "tenantStatus", (SELECT "ownSecret" FROM t) AS "ownSecret",
           (SELECT count(*) FROM d)::int AS "delivered", (SELECT count(*) FROM e)::int AS "stored"`);
  return rows[0];
}

// ---- The processor's side ------------------------------------------------------------------------------------------

/**
 * When a waiting event is due again, counted from its arrival: at once, then after 5 s, 15 s, 35 s… doubling up to
 * about 85 minutes, then an hour more per try. Anchored at receivedAt, since an event has no time of its own for its
 * next try.
 */
const DUE_SQL = Prisma.raw(
  `("receivedAt" + interval '5 seconds' * (power(2, LEAST("attempts", 10)) - 1) + interval '1 hour' * GREATEST("attempts" - 10, 0))`,
);

export interface DueOrder {
  tenantId: string;
  orderGid: string;
}

/** Orders with an unprocessed event due at `now` (the clock receivedAt was written with), oldest first. */
export async function dueOrders(db: Db, now: Date, limit: number, onlyTenants: string[] | null = null): Promise<DueOrder[]> {
  return db.$queryRaw<DueOrder[]>`
    SELECT "tenantId", "orderGid" FROM "OrderEvent"
    WHERE "processedAt" IS NULL AND ${DUE_SQL} <= ${sqlTimestamp(now)}
      AND (${onlyTenants}::text[] IS NULL OR "tenantId" = ANY(${onlyTenants}::text[]))
    GROUP BY "tenantId", "orderGid"
    ORDER BY min("receivedAt")
    LIMIT ${limit}`;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Takes the order for this transaction, or false when another worker has it: its events are applied by one worker at
 * a time, in order. A transaction-scoped advisory lock, because an order may have events and no row of ours yet.
 */
export async function lockOrder(tx: Tx, order: DueOrder): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtext(${order.tenantId}), hashtext(${order.orderGid})) AS "locked"`;
  return row?.locked === true;
}

/** The order's events not yet applied, in Shopify's order of the changes. */
export function waitingEvents(db: Db | Tx, order: DueOrder) {
  return db.orderEvent.findMany({
    where: { tenantId: order.tenantId, orderGid: order.orderGid, processedAt: null },
    orderBy: [{ occurredAt: "asc" }, { receivedAt: "asc" }],
  });
}

/** Whether an orders/updated or orders/edited newer than `at` was already applied to this order. */
export async function newerStateApplied(tx: Tx, order: DueOrder, at: Date): Promise<boolean> {
  const newer = await tx.orderEvent.findFirst({
    where: { tenantId: order.tenantId, orderGid: order.orderGid, topic: { in: ["orders/updated", "orders/edited"] }, processedAt: { not: null }, occurredAt: { gt: at } },
    select: { id: true },
  });
  return newer !== null;
}

/** Applied, or found to change nothing; `note` says why when it changed nothing we keep. */
export async function markProcessed(tx: Db | Tx, id: string, now: Date, note: string | null): Promise<void> {
  await tx.orderEvent.update({ where: { id }, data: { processedAt: now, lastError: note } });
}

/** Not applied this time: tried again on the backoff above. */
export async function markWaiting(db: Db | Tx, ids: string[], reason: string): Promise<void> {
  await db.orderEvent.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, lastError: reason } });
}
