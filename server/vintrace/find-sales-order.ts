// Has this Shopify order already become a vintrace sales order? Asked before every POST and after every POST
// that failed in a way that may have committed it (timeout, 5xx), so one order never becomes two.
//
// vintrace filters /sales-order/list by externalTransactionId since 25.09.1; older tenants ignore the filter and
// return everything, oldest first. We therefore check each returned order's field ourselves, and when the filter
// was ignored we narrow by order date (±1 day, for time zones) and customer, and page to the end.
import "server-only";
import type { VintraceClient, SalesOrderFilter } from "./client";
import { succeed, type VintraceResult } from "./errors";
import type { SalesOrder } from "./schemas";

export interface SalesOrderHint {
  /** the order date we sent, epoch ms */
  orderDate: number;
  customerName: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/** Every sales order carrying this externalTransactionId, oldest first (more than one means a duplicate). */
export async function findSalesOrdersByExternalId(
  client: VintraceClient,
  externalTransactionId: string,
  hint: SalesOrderHint,
): Promise<VintraceResult<SalesOrder[]>> {
  const matches: SalesOrder[] = [];
  let filterIgnored = false;
  for await (const page of client.salesOrderPages({ externalTransactionId })) {
    if (!page.ok) return page;
    for (const order of page.value) {
      if (order.externalTransactionId === externalTransactionId) matches.push(order);
      else filterIgnored = true;
    }
    if (filterIgnored) break;
  }
  if (!filterIgnored) return succeed(matches);

  const narrowed: SalesOrderFilter = {
    startDate: isoDay(hint.orderDate - DAY_MS),
    endDate: isoDay(hint.orderDate + DAY_MS),
    customerName: hint.customerName,
  };
  const found = new Map<number, SalesOrder>();
  for (const order of matches) found.set(order.id, order);
  for await (const page of client.salesOrderPages(narrowed)) {
    if (!page.ok) return page;
    for (const order of page.value) {
      if (order.externalTransactionId === externalTransactionId) found.set(order.id, order);
    }
  }
  return succeed([...found.values()].sort((a, b) => a.id - b.id));
}

/** The sales order for this externalTransactionId, or null when there is none yet. */
export async function findSalesOrderByExternalId(
  client: VintraceClient,
  externalTransactionId: string,
  hint: SalesOrderHint,
): Promise<VintraceResult<SalesOrder | null>> {
  const result = await findSalesOrdersByExternalId(client, externalTransactionId, hint);
  return result.ok ? succeed(result.value[0] ?? null) : result;
}
