// What happens to an order after it was placed, applied as Shopify applies it: a cancel, a refund, an edit, a tag
// write. Each changes the stored order, so the Admin API reads the new state, and answers the webhooks Shopify sends
// for it, in the order it sends them; server.ts delivers them to the shop's subscriptions.
import { buildLineItem, fromCents, nextShopifyId, OrderInputError, refundedCents, toCents, type SimLineItem, type SimRefund } from "@/simulators/shopify/order-payload";
import type { SimOrder } from "@/simulators/shopify/shop-state";

/** One webhook a change makes Shopify send: its topic and its body. */
export interface OrderWebhook {
  topic: string;
  payload: unknown;
}

export const CANCEL_REASONS = ["customer", "inventory", "fraud", "declined", "other"] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export interface RefundInput {
  /** the lines to refund, by SKU, each at most its current quantity; default: the first line still there, all of it */
  lines?: { sku: string; qty: number }[];
  /** an amount refunded without lines (a goodwill refund), instead of lines */
  amount?: string;
  note?: string;
}

export interface EditLine {
  sku: string;
  /** the line's quantity after the edit: 0 removes it; a SKU the order does not have adds a line */
  qty: number;
  price?: string;
  title?: string;
}

/**
 * Moves updated_at on. Shopify's only goes forward, and two changes in the same millisecond (a cancel, then our tag
 * write) still get distinct times, so a receiver can always tell which state is newer.
 */
function touch(order: SimOrder): string {
  const at = new Date(Math.max(Date.now(), Date.parse(order.payload.updated_at) + 1)).toISOString();
  order.payload.updated_at = at;
  return at;
}

/** The full Order as orders/updated and orders/cancelled carry it: the stored payload with its tags and refunds as they are now. */
export function orderWebhookBody(order: SimOrder) {
  return { ...order.payload, tags: order.tags.join(", "), refunds: order.refunds };
}

const orderUpdated = (order: SimOrder): OrderWebhook => ({ topic: "orders/updated", payload: orderWebhookBody(order) });

export function cancelOrder(order: SimOrder, reason: CancelReason = "customer"): OrderWebhook[] {
  if (order.payload.cancelled_at) throw new OrderInputError(`${order.payload.name} is already cancelled`);
  order.payload.cancelled_at = touch(order);
  order.payload.cancel_reason = reason;
  return [{ topic: "orders/cancelled", payload: orderWebhookBody(order) }, orderUpdated(order)];
}

/** The line's amount and tax for `qty` of its units: its share of the line's discounted price and of its GST. */
function lineShare(line: SimLineItem, qty: number) {
  const allocated = line.discount_allocations.reduce((sum, d) => sum + toCents(d.amount), 0);
  const tax = line.tax_lines.reduce((sum, t) => sum + toCents(t.price), 0);
  return {
    subtotal: Math.round(((toCents(line.price) * line.quantity - allocated) * qty) / line.quantity),
    tax: Math.round((tax * qty) / line.quantity),
  };
}

function refundLines(order: SimOrder, input: RefundInput): { line: SimLineItem; qty: number }[] {
  if (input.amount !== undefined) {
    if (input.lines?.length) throw new OrderInputError("refund either lines or an amount, not both");
    return [];
  }
  if (!input.lines?.length) {
    const first = order.payload.line_items.find((l) => l.current_quantity > 0);
    if (!first) throw new OrderInputError(`${order.payload.name} has no line left to refund`);
    return [{ line: first, qty: first.current_quantity }];
  }
  return input.lines.map(({ sku, qty }) => {
    const line = order.payload.line_items.find((l) => l.sku === sku && l.current_quantity > 0);
    if (!line) throw new OrderInputError(`${order.payload.name} has no line with SKU ${sku} left to refund`);
    if (!Number.isInteger(qty) || qty < 1 || qty > line.current_quantity) {
      throw new OrderInputError(`refund 1 to ${line.current_quantity} of ${sku}, not ${qty}`);
    }
    return { line, qty };
  });
}

/** A refund of lines (their units leave current_quantity) or of an amount alone; money back by one transaction. */
export function refundOrder(order: SimOrder, input: RefundInput = {}): { refund: SimRefund; webhooks: OrderWebhook[] } {
  const p = order.payload;
  const lines = refundLines(order, input);
  const money = (cents: number) => ({ shop_money: { amount: fromCents(cents), currency_code: p.currency } });
  const refundLineItems = lines.map(({ line, qty }) => ({ line, qty, share: lineShare(line, qty) }));
  const cents =
    input.amount !== undefined ? toCents(input.amount) : refundLineItems.reduce((sum, l) => sum + l.share.subtotal + (p.taxes_included ? 0 : l.share.tax), 0);
  const refundable = toCents(p.total_price) - refundedCents(order.refunds);
  if (cents <= 0 || cents > refundable) throw new OrderInputError(`refund more than 0.00 and at most ${fromCents(refundable)} of ${p.name}, not ${fromCents(cents)}`);

  const at = touch(order);
  const id = nextShopifyId();
  const transactionId = nextShopifyId();
  const refund: SimRefund = {
    id,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: p.id,
    created_at: at,
    processed_at: at,
    note: input.note ?? null,
    restock: false,
    user_id: null,
    refund_line_items: refundLineItems.map(({ line, qty, share }) => ({
      id: nextShopifyId(),
      quantity: qty,
      line_item_id: line.id,
      location_id: null,
      restock_type: "no_restock",
      subtotal: fromCents(share.subtotal),
      total_tax: fromCents(share.tax),
      subtotal_set: money(share.subtotal),
      total_tax_set: money(share.tax),
      line_item: { ...line },
    })),
    transactions: [
      {
        id: transactionId,
        admin_graphql_api_id: `gid://shopify/OrderTransaction/${transactionId}`,
        order_id: p.id,
        kind: "refund",
        gateway: "manual",
        status: "success",
        amount: fromCents(cents),
        currency: p.currency,
        created_at: at,
        test: p.test,
      },
    ],
    order_adjustments:
      input.amount !== undefined
        ? [{ id: nextShopifyId(), order_id: p.id, refund_id: id, kind: "refund_discrepancy", reason: "Refund discrepancy", amount: fromCents(-cents), tax_amount: "0.00" }]
        : [],
    duties: [],
  };
  for (const { line, qty } of lines) line.current_quantity -= qty;
  order.refunds.push(refund);
  p.financial_status = refundedCents(order.refunds) >= toCents(p.total_price) ? "refunded" : "partially_refunded";
  return { refund, webhooks: [{ topic: "refunds/create", payload: refund }, orderUpdated(order)] };
}

/**
 * An order edit, committed: each SKU's line is set to its new quantity. More units raise quantity and
 * current_quantity; fewer lower current_quantity only (quantity stays what was ordered, as Shopify keeps it); a new
 * SKU is a new line, at the catalog's price and without the order's discount.
 */
export function editOrder(order: SimOrder, shop: string, lines: EditLine[]): OrderWebhook[] {
  const p = order.payload;
  // Every line is checked before any is changed, so a refused edit leaves the order as it was.
  const repeated = lines.find((edit, i) => lines.findIndex((other) => other.sku === edit.sku) !== i);
  if (repeated) throw new OrderInputError(`SKU ${repeated.sku} is given twice`);
  const plan = lines.map((edit) => {
    if (!Number.isInteger(edit.qty) || edit.qty < 0) throw new OrderInputError(`quantity for ${edit.sku} must be a whole number, 0 to remove the line`);
    const line = p.line_items.find((l) => l.sku === edit.sku);
    if (!line && edit.qty === 0) throw new OrderInputError(`${p.name} has no line with SKU ${edit.sku} to remove`);
    return { edit, line: line ?? buildLineItem(shop, edit, { percent: 0, taxesIncluded: p.taxes_included }).item, isNew: !line };
  });
  const additions: { id: number; delta: number }[] = [];
  const removals: { id: number; delta: number }[] = [];
  for (const { edit, line, isNew } of plan) {
    if (isNew) {
      p.line_items.push(line);
      additions.push({ id: line.id, delta: edit.qty });
      continue;
    }
    const delta = edit.qty - line.current_quantity;
    if (delta > 0) {
      line.quantity += delta;
      additions.push({ id: line.id, delta });
    } else if (delta < 0) {
      removals.push({ id: line.id, delta: -delta });
    }
    line.current_quantity = edit.qty;
  }
  if (!additions.length && !removals.length) throw new OrderInputError(`the edit changes nothing in ${p.name}`);
  const at = touch(order);
  const orderEdit = {
    id: nextShopifyId(),
    app_id: null,
    created_at: at,
    committed_at: at,
    notify_customer: false,
    order_id: p.id,
    staff_note: "",
    user_id: null,
    line_items: { additions, removals },
    discounts: { line_item: { additions: [], removals: [] } },
    shipping_lines: { additions: [], removals: [] },
  };
  return [{ topic: "orders/edited", payload: { order_edit: orderEdit } }, orderUpdated(order)];
}

/** A tag write changes only the tags and updated_at; Shopify says so with orders/updated. */
export function tagsChanged(order: SimOrder): OrderWebhook[] {
  touch(order);
  return [orderUpdated(order)];
}
