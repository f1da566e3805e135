// What the dashboard's browser tests need beyond the shared fixtures: the simulators' control endpoints and a look
// at the database to wait for the worker.
import pg from "pg";
import { callSimulator as send, expect, stackInfo } from "@/e2e/fixtures";

export interface SimOrder {
  gid: string;
  name: string;
}

/** An order in the Shopify simulator; `deliver` also POSTs its orders/create webhook to the app. */
export async function createShopifyOrder(input: { shop: string; lines?: { sku: string; qty: number }[]; orderNumber?: number; deliver?: boolean; test?: boolean }): Promise<SimOrder> {
  const created = (await send(`${stackInfo().shopifyUrl}/__sim/orders`, "POST", input)) as { gid: string; name: string };
  return { gid: created.gid, name: created.name };
}

export async function shopifyOrders(shop: string): Promise<{ gid: string; name: string; tags: string[] }[]> {
  const state = (await send(`${stackInfo().shopifyUrl}/__sim/state?shop=${encodeURIComponent(shop)}`, "GET")) as { shops: { orders: { gid: string; name: string; tags: string[] }[] }[] };
  return state.shops[0]?.orders ?? [];
}

export async function tagsOf(shop: string, gid: string): Promise<string[]> {
  return (await shopifyOrders(shop)).find((o) => o.gid === gid)?.tags ?? [];
}

export const vintraceControl = (code: string, action: string, body?: unknown, method = "POST") =>
  send(`${stackInfo().vintraceUrl}/${code}/__sim/${action}`, method, body);

export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface SyncRow {
  id: string;
  status: string;
  tagState: string;
  lastErrorClass: string | null;
  vintraceSalesOrderCode: string | null;
}

/** Waits until the order's sync record satisfies `done` (the in-app worker runs on its own). */
export async function waitForSync(shop: string, gid: string, done: (row: SyncRow) => boolean, timeout = 30_000): Promise<SyncRow> {
  let last: SyncRow | undefined;
  await expect
    .poll(
      async () => {
        [last] = await query<SyncRow>(
          `SELECT s.id, s.status::text AS status, s."tagState"::text AS "tagState", s."lastErrorClass"::text AS "lastErrorClass", s."vintraceSalesOrderCode"
           FROM "OrderSync" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t."shopDomain" = $1 AND s."orderGid" = $2`,
          [shop, gid],
        );
        return last !== undefined && done(last);
      },
      { timeout, message: `order ${gid} in ${shop}` },
    )
    .toBe(true);
  return last as SyncRow;
}

/** An order placed and delivered, once its sync has failed for good. */
export async function failOrder(shop: string, lines: { sku: string; qty: number }[]): Promise<{ order: SimOrder; failed: SyncRow }> {
  const order = await createShopifyOrder({ shop, lines, deliver: true });
  return { order, failed: await waitForSync(shop, order.gid, (r) => r.status === "FAILED") };
}

/** vintrace refuses the winery's next sales order in these words, which no check of ours recognises. */
export const refuseNextSalesOrder = (vintraceCode: string, words: string) =>
  vintraceControl(vintraceCode, "faults", { match: "POST /sales-order", status: 400, body: { status: "Error", message: words } });

/** vintrace takes sales orders again: the refusals still queued are dropped. */
export const clearFaults = (vintraceCode: string) => vintraceControl(vintraceCode, "faults", undefined, "DELETE");

/** What each retry that saving a fix (or support's review) set off recorded: who, and the audit's details. */
export async function fixRetryAudits(tenantId: string): Promise<{ actorEmail: string | null; details: Record<string, unknown> }[]> {
  return query(`SELECT "actorEmail", details FROM "AuditEvent" WHERE "tenantId" = $1 AND action = 'orders.fix_retry' ORDER BY "createdAt"`, [tenantId]);
}
