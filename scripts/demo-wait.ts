// Waiting for the in-app worker, for the demo's orders (demo-scenarios.ts): it runs in the app's process, so the demo
// reads the database until each order has settled and each product check has finished.
import type { Db } from "@/server/db";
import type { OrderChangeKind, OrderSync } from "@/server/generated/prisma/client";
import type { ShopifySimulator } from "@/simulators/shopify/server";

/** Long enough for a busy machine; an order that takes longer is reported, not waited for. */
const ORDER_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nothing more happens to it without waiting: synced, failed, held, skipped, or backing off until its next try. */
function isSettled(row: OrderSync, now: Date): boolean {
  if (row.leaseUntil !== null && row.leaseUntil > now) return false;
  if (row.status !== "PENDING") return true;
  return row.attempts > 0 && row.nextAttemptAt !== null && row.nextAttemptAt > now;
}

/** The order's sync record once it has settled; what it is at the time limit otherwise (null: it never arrived). */
export async function settled(db: Db, tenantId: string, orderGid: string, timeoutMs = ORDER_TIMEOUT_MS): Promise<OrderSync | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.orderSync.findUnique({ where: { tenantId_orderGid: { tenantId, orderGid } } });
    if ((row && isSettled(row, new Date())) || Date.now() > deadline) return row;
    await sleep(POLL_MS);
  }
}

/** Whether the product check run finished (done or failed) within the time limit. */
export async function waitForProductCheck(db: Db, id: string, timeoutMs = ORDER_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = await db.productCheck.findUnique({ where: { id }, select: { status: true } });
    if (!run || run.status === "DONE" || run.status === "FAILED") return run?.status === "DONE";
    await sleep(POLL_MS * 5);
  }
  return false;
}

/** The orders that met a transient error (a vintrace 503) on some try, as they stand now. */
export async function ordersThatMetATransientError(db: Db): Promise<{ orderName: string; status: string; attempts: number }[]> {
  return db.orderSync.findMany({
    where: { attempts_: { some: { errorClass: "TRANSIENT" } } },
    select: { orderName: true, status: true, attempts: true },
  });
}

/** The topics no subscription of the shop covers yet, once they all are or at the time limit (the app subscribes a second or so after its start). */
export async function unsubscribedTopics(shopify: ShopifySimulator, shop: string, topics: string[], timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = topics.filter((topic) => shopify.subscriptionsFor(shop, topic).length === 0);
    if (!missing.length || Date.now() > deadline) return missing;
    await sleep(POLL_MS * 5);
  }
}

/** The kinds of the winery's "Changed after sending" entries once all of `kinds` are there, or at the time limit. */
export async function changeEntries(db: Db, tenantId: string, kinds: OrderChangeKind[], timeoutMs = ORDER_TIMEOUT_MS / 2): Promise<OrderChangeKind[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await db.orderChange.findMany({ where: { tenantId }, select: { kind: true } })).map((c) => c.kind);
    if (kinds.every((kind) => found.includes(kind)) || Date.now() > deadline) return found;
    await sleep(POLL_MS * 5);
  }
}
