// The shop's orders as the setup wizard lists them: the recent ones to preview, and those since a date to send on
// going live. Both queries list the orders created after a time that carry neither sync tag: a winery in setup never
// had an order sent, so none of its orders carries one, and they list them all.
import "server-only";
import type { OrderSummary, ShopifyAdmin } from "@/server/shopify/admin";

const PAGE_SIZE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Every order created at or after `since`, oldest first, up to `limit` (`more`: there were others after them). */
export async function ordersSince(admin: ShopifyAdmin, since: Date, limit: number): Promise<{ orders: OrderSummary[]; more: boolean }> {
  const orders: OrderSummary[] = [];
  // The query is "created after": a millisecond earlier takes in an order placed at `since` itself.
  const createdAfter = new Date(since.getTime() - 1);
  let after: string | null = null;
  do {
    const page = await admin.ordersForReconcile({ createdAfter, first: PAGE_SIZE, after });
    orders.push(...page.orders);
    after = page.hasNextPage ? page.endCursor : null;
  } while (after && orders.length < limit);
  return { orders: orders.slice(0, limit), more: orders.length > limit || after !== null };
}

/** How far back the recent orders are looked for. */
const RECENT_DAYS = 60;

/** The shop's most recent orders of the last 60 days, newest first, at most `count`: one Admin API call. */
export async function recentOrders(admin: ShopifyAdmin, count: number, now = new Date()): Promise<OrderSummary[]> {
  return admin.recentOrders({ createdAfter: new Date(now.getTime() - RECENT_DAYS * DAY_MS), first: count });
}
