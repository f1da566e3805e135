// The four after-sale topics' bodies as far as we read them, named once for the intake (which needs the order and a
// time) and the processor (which needs the rest). Shopify's bodies carry much more; z.object leaves it unread.
import "server-only";
import { z } from "zod";
import type { OrderChangeTopic } from "./events";

const id = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => String(v));
const text = z.string().nullish().transform((v) => (v?.trim() ? v.trim() : null));
const time = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "is not a date");
const money = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^-?\d+(\.\d+)?$/.test(v), "is not a decimal amount");

/** orders/cancelled and orders/updated: the whole Order; the content fields are read by content.ts. */
export const orderBody = z.object({
  id,
  admin_graphql_api_id: text,
  updated_at: time,
  cancelled_at: text,
  cancel_reason: text,
  currency: text,
});

/** orders/edited: the edit only, never the order. */
export const orderEditBody = z.object({
  order_edit: z.object({ id, order_id: id, created_at: time, committed_at: text }),
});

/** refunds/create: the Refund. */
export const refundBody = z.object({
  id,
  order_id: id,
  created_at: time,
  note: text,
  refund_line_items: z
    .array(
      z.object({
        quantity: z.number().int(),
        subtotal: money.nullish(),
        line_item: z.object({ sku: text, title: text, name: text }).nullish(),
      }),
    )
    .nullish(),
  transactions: z.array(z.object({ amount: money, kind: text, status: text, currency: text })).nullish(),
});

/** What the intake reads of an order body: plain types, no transforms, since every orders/updated is read so. */
const orderKey = z.object({ id: z.union([z.number(), z.string().regex(/^\d+$/)]), admin_graphql_api_id: z.string().nullish(), updated_at: z.string() });

export type OrderBody = z.infer<typeof orderBody>;
export type RefundBody = z.infer<typeof refundBody>;

export const orderGidOf = (orderId: string) => `gid://shopify/Order/${orderId}`;

/** What the intake stores an event by: the order and Shopify's time of the change. */
export interface EventKey {
  orderGid: string;
  /** ISO */
  occurredAt: string;
}

/** The order and time a body is about, or null when it is not this topic's payload. */
export function eventKeyOf(topic: OrderChangeTopic, json: unknown): EventKey | null {
  const iso = (value: string) => new Date(value).toISOString();
  if (topic === "orders/edited") {
    const body = orderEditBody.safeParse(json);
    return body.success ? { orderGid: orderGidOf(body.data.order_edit.order_id), occurredAt: iso(body.data.order_edit.created_at) } : null;
  }
  if (topic === "refunds/create") {
    const body = refundBody.safeParse(json);
    return body.success ? { orderGid: orderGidOf(body.data.order_id), occurredAt: iso(body.data.created_at) } : null;
  }
  const body = orderKey.safeParse(json);
  if (!body.success || Number.isNaN(Date.parse(body.data.updated_at))) return null;
  return { orderGid: body.data.admin_graphql_api_id || orderGidOf(String(body.data.id)), occurredAt: iso(body.data.updated_at) };
}
