// The shop's orders as the setup wizard lists them: the recent ones to preview, and those since a date to send on
// going live. Read through the Admin API client's reconciliation query, which lists the orders created after a time
// that carry neither sync tag: a winery in setup never had an order sent, so none of its orders carries one, and
// that query lists them all.
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

/** Widening windows: a busy shop's last days are enough, a quiet shop's last weeks are looked at. */
const RECENT_WINDOWS_DAYS = [3, 14, 60];

/** The shop's most recent orders, newest first, at most `count`. */
export async function recentOrders(admin: ShopifyAdmin, count: number, now = new Date()): Promise<OrderSummary[]> {
  let found: OrderSummary[] = [];
  for (const days of RECENT_WINDOWS_DAYS) {
    // Listed oldest first: a window holding more than it reads keeps the oldest, so the windows start small.
    found = (await ordersSince(admin, new Date(now.getTime() - days * DAY_MS), 5 * PAGE_SIZE)).orders;
    if (found.length >= count) break;
  }
  return found.reverse().slice(0, count);
}
