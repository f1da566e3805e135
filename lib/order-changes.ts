// What the "Changed after sending" list shows for one sent order that Shopify later shows cancelled, refunded or
// edited (OrderChange.details). The worker writes these shapes and the pages read them, so they are named once here,
// with zod, and every read parses them. No server imports: the pages' client bundles read this module.
// Money is kept as Shopify's decimal strings ("12.50"), never as floats.
import { z } from "zod";

export const ORDER_CHANGE_KINDS = ["CANCELLED", "REFUNDED", "EDITED"] as const;
export type OrderChangeKindName = (typeof ORDER_CHANGE_KINDS)[number];

export const ORDER_CHANGE_LABELS: Record<OrderChangeKindName, string> = {
  CANCELLED: "Cancelled",
  REFUNDED: "Refunded",
  EDITED: "Edited",
};

const money = z.string().regex(/^-?\d+(\.\d+)?$/);

export const cancelledDetails = z.object({
  kind: z.literal("CANCELLED"),
  /** Shopify's cancelled_at, ISO */
  cancelledAt: z.string(),
  /** Shopify's cancel_reason ("customer", "inventory", "fraud", "declined", "other"), when given */
  reason: z.string().nullable(),
});

export const refundLine = z.object({
  sku: z.string().nullable(),
  title: z.string(),
  quantity: z.number().int(),
  /** the amount refunded for this line (subtotal), when Shopify gave it */
  amount: money.nullable(),
});

export const refundedDetails = z.object({
  kind: z.literal("REFUNDED"),
  currency: z.string(),
  /** the sum of every refund below */
  total: money,
  /** one per refunds/create delivery (deduplicated by the refund's id), oldest first */
  refunds: z.array(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      amount: money,
      note: z.string().nullable(),
      lines: z.array(refundLine),
    }),
  ),
});

/** One order line as sent to vintrace, or as Shopify has it now. */
export const lineState = z.object({
  quantity: z.number().int(),
  unitPrice: money,
  /** the line's total discount */
  discount: money,
});

export const editedDetails = z.object({
  kind: z.literal("EDITED"),
  /** only the lines that differ: added (sent null), removed (now null) or changed */
  lines: z.array(
    z.object({
      /** the line's SKU, or its title when it has none: what the two versions are matched by */
      key: z.string(),
      title: z.string(),
      sku: z.string().nullable(),
      sent: lineState.nullable(),
      now: lineState.nullable(),
    }),
  ),
  /** other fields that matter to vintrace and differ: "Shipping", "Order discounts", "Customer", "Shipping address" */
  other: z.array(z.object({ field: z.string(), sent: z.string().nullable(), now: z.string().nullable() })),
});

export const orderChangeDetails = z.discriminatedUnion("kind", [cancelledDetails, refundedDetails, editedDetails]);
export type OrderChangeDetails = z.infer<typeof orderChangeDetails>;
export type CancelledDetails = z.infer<typeof cancelledDetails>;
export type RefundedDetails = z.infer<typeof refundedDetails>;
export type EditedDetails = z.infer<typeof editedDetails>;
