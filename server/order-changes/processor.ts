// The change processor: turns stored after-sale deliveries into "Changed after sending" entries, or into updates of
// records not yet sent (apply.ts). Any number of workers run it: each order is taken by one at a time (a transaction
// lock), its waiting events applied in Shopify's order of the changes. An orders/edited needs the order as Shopify has
// it now; that is read from the Admin API before the transaction, so no transaction stays open across an HTTP call.
// An event that cannot be applied yet (no record, a record being sent, Shopify unreachable) stays waiting, with the
// reason, and is tried again on a backoff (events.ts); so do the order's later events, which must not overtake it.
import "server-only";
import type { Db } from "@/server/db";
import type { OrderSync } from "@/server/generated/prisma/client";
import { logger } from "@/server/observability/log";
import type { AdminFor } from "@/server/sync/context";
import { applyEvent, type CurrentOrder, type Outcome } from "./apply";
import { dueOrders, lockOrder, markProcessed, markWaiting, waitingEvents, type DueOrder } from "./events";

export interface ChangeDeps {
  db: Db;
  adminFor: AdminFor;
  now: () => Date;
}

export interface ProcessOptions {
  /** orders per pass */
  limit?: number;
  /** only these wineries' events (a worker dedicated to some wineries; tests sharing a database) */
  onlyTenants?: string[] | null;
}

export interface PassResult {
  orders: number;
  /** events applied or found to change nothing */
  processed: number;
  /** events left waiting */
  waiting: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const findRecord = (db: Pick<Db, "orderSync">, order: DueOrder) =>
  db.orderSync.findUnique({ where: { tenantId_orderGid: { tenantId: order.tenantId, orderGid: order.orderGid } } });

/** The order from Shopify, when one of its waiting events is an orders/edited and we hold a record of it. */
async function currentOrder(deps: ChangeDeps, order: DueOrder, record: OrderSync | null, topics: string[]): Promise<CurrentOrder> {
  if (!record || !topics.includes("orders/edited")) return { kind: "not-fetched" };
  try {
    const admin = await deps.adminFor(order.tenantId);
    return { kind: "fetched", payload: await admin.fetchOrderPayload(order.orderGid) };
  } catch (error) {
    return { kind: "failed", reason: `Could not read the order from Shopify (${message(error)}); we will try again.` };
  }
}

function logOutcome(order: DueOrder, orderSyncId: string | null, topic: string, outcome: Outcome): void {
  // Ids, the topic and our own words only: never a payload, which carries the customer.
  const fields = { tenantId: order.tenantId, syncId: orderSyncId, topic, outcome: outcome.kind, note: outcome.kind === "wait" ? outcome.reason : outcome.note };
  logger()[outcome.kind === "wait" ? "warn" : "info"](fields, "order change");
}

/** Applies one order's waiting events; what it did, or null when another worker has the order. */
async function processOrder(deps: ChangeDeps, order: DueOrder): Promise<{ processed: number; waiting: number } | null> {
  const [seen, seenRecord] = await Promise.all([waitingEvents(deps.db, order), findRecord(deps.db, order)]);
  if (seen.length === 0) return { processed: 0, waiting: 0 };
  const current = await currentOrder(deps, order, seenRecord, seen.map((e) => e.topic));

  return deps.db.$transaction(async (tx) => {
    if (!(await lockOrder(tx, order))) return null;
    const events = await waitingEvents(tx, order);
    for (const [index, event] of events.entries()) {
      const now = deps.now();
      const record = await findRecord(tx, order);
      const outcome = await applyEvent({ tx, event, record, current, now });
      logOutcome(order, record?.id ?? null, event.topic, outcome);
      if (outcome.kind === "wait") {
        const later = events.slice(index + 1).map((e) => e.id);
        await markWaiting(tx, [event.id], outcome.reason);
        if (later.length) await markWaiting(tx, later, "Waiting for an earlier change of this order to be applied first.");
        return { processed: index, waiting: events.length - index };
      }
      await markProcessed(tx, event.id, now, outcome.kind === "unchanged" ? outcome.note : null);
    }
    return { processed: events.length, waiting: 0 };
  });
}

/** One pass over the orders with a due event, oldest first. An order that fails is left waiting, with the reason. */
export async function processOrderEvents(deps: ChangeDeps, options: ProcessOptions = {}): Promise<PassResult> {
  const orders = await dueOrders(deps.db, deps.now(), options.limit ?? 50, options.onlyTenants ?? null);
  const result: PassResult = { orders: orders.length, processed: 0, waiting: 0 };
  for (const order of orders) {
    try {
      const done = await processOrder(deps, order);
      result.processed += done?.processed ?? 0;
      result.waiting += done?.waiting ?? 0;
    } catch (error) {
      // A database error or a bug: the transaction rolled back, so every event of the order is as it was.
      logger().error({ tenantId: order.tenantId, err: error }, "order change failed unexpectedly");
      const ids = (await waitingEvents(deps.db, order)).map((e) => e.id);
      await markWaiting(deps.db, ids, `Something unexpected went wrong (${message(error)}); we will try again.`);
      result.waiting += ids.length;
    }
  }
  return result;
}
