// For tests of the after-sale path: the bodies Shopify sends for orders/cancelled, orders/updated, orders/edited and
// refunds/create, built from an order payload of the simulator, and a way to deliver one, signed, to the intake.
import { randomUUID } from "node:crypto";
import type { Db } from "@/server/db";
import type { Shopify } from "@shopify/shopify-api";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { webhookRequest } from "@/test/support/shopify";
import { nextShopifyId, type SimOrderPayload } from "@/simulators/shopify/order-payload";

/** The order as orders/updated (and orders/cancelled) carries it: the same Order, changed, with a later updated_at. */
export function updatedOrder(order: SimOrderPayload, updatedAt: string, change: Partial<SimOrderPayload> = {}): SimOrderPayload {
  return { ...order, ...change, updated_at: updatedAt };
}

/** The order with new current quantities by SKU, as an edit leaves it (a line taken out keeps quantity, current 0). */
export function withQuantities(order: SimOrderPayload, quantities: Record<string, number>): SimOrderPayload["line_items"] {
  return order.line_items.map((line) => (line.sku && line.sku in quantities ? { ...line, current_quantity: quantities[line.sku] } : line));
}

export function cancelledOrder(order: SimOrderPayload, at: string): SimOrderPayload {
  return updatedOrder(order, at, { cancelled_at: at, cancel_reason: "customer", line_items: order.line_items.map((l) => ({ ...l, current_quantity: 0 })) });
}

export function orderEditBody(order: SimOrderPayload, createdAt: string) {
  return {
    order_edit: {
      id: nextShopifyId(),
      app_id: null,
      created_at: createdAt,
      committed_at: createdAt,
      notify_customer: false,
      order_id: order.id,
      staff_note: "",
      user_id: 1,
      line_items: { additions: [], removals: [] },
      discounts: { additions: [], removals: [] },
      shipping_lines: { additions: [], removals: [] },
    },
  };
}

export function refundBody(order: SimOrderPayload, input: { id?: number; createdAt: string; lines: { sku: string; quantity: number }[]; note?: string | null }) {
  const items = input.lines.map(({ sku, quantity }) => {
    const line = order.line_items.find((l) => l.sku === sku);
    if (!line) throw new Error(`no line ${sku} in ${order.name}`);
    const cents = Math.round(Number(line.price) * 100) * quantity;
    return { id: nextShopifyId(), quantity, line_item_id: line.id, line_item: line, subtotal: (cents / 100).toFixed(2), total_tax: "0.00", restock_type: "return" };
  });
  const amount = (items.reduce((sum, item) => sum + Math.round(Number(item.subtotal) * 100), 0) / 100).toFixed(2);
  return {
    id: input.id ?? nextShopifyId(),
    order_id: order.id,
    created_at: input.createdAt,
    note: input.note ?? null,
    restock: true,
    refund_line_items: items,
    transactions: [{ id: nextShopifyId(), amount, kind: "refund", status: "success", currency: order.currency }],
    order_adjustments: [],
  };
}

/** Delivers one signed after-sale webhook to the intake; the same `eventId` makes a duplicate. Returns the status. */
export async function deliverChange(
  deps: { db: Db; shopify: Shopify },
  shop: string,
  topic: string,
  payload: unknown,
  options: { eventId?: string; secret?: string } = {},
): Promise<number> {
  const eventId = options.eventId ?? randomUUID();
  const { request } = webhookRequest({ shop, topic, payload, eventId, webhookId: randomUUID(), ...(options.secret ? { secret: options.secret } : {}) });
  return (await handleShopifyWebhook(request, deps)).status;
}
