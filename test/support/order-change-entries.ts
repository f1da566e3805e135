// "Changed after sending" entries for tests of what reads them (the list, the order's page, the alerts, the browser
// tests): a sent order and its entries written straight to the database, with details in lib/order-changes.ts's
// shapes (parsed here, so a test never builds a shape the worker could not write).
import { randomBytes } from "node:crypto";
import type { Db } from "@/server/db";
import { orderChangeDetails, type CancelledDetails, type EditedDetails, type OrderChangeDetails, type RefundedDetails } from "@/lib/order-changes";

export const cancelledDetails = (overrides: Partial<CancelledDetails> = {}): CancelledDetails => ({
  kind: "CANCELLED",
  cancelledAt: "2026-12-01T09:30:00.000Z",
  reason: "customer",
  ...overrides,
});

export const refundedDetails = (): RefundedDetails => ({
  kind: "REFUNDED",
  currency: "AUD",
  total: "45.00",
  refunds: [
    {
      id: "990001",
      createdAt: "2026-12-01T09:40:00.000Z",
      amount: "35.00",
      note: "Bottle arrived broken",
      lines: [{ sku: "21SHZ750", title: "2021 Shiraz - 750ml", quantity: 1, amount: "35.00" }],
    },
    { id: "990002", createdAt: "2026-12-01T10:05:00.000Z", amount: "10.00", note: null, lines: [] },
  ],
});

/** One line changed (2 → 1 Shiraz), one removed (the tote), one added (a Cabernet), and the shipping changed. */
export const editedDetails = (): EditedDetails => ({
  kind: "EDITED",
  lines: [
    { key: "21SHZ750", title: "2021 Shiraz - 750ml", sku: "21SHZ750", sent: { quantity: 2, unitPrice: "35.00", discount: "7.00" }, now: { quantity: 1, unitPrice: "35.00", discount: "3.50" } },
    { key: "TOTE-NAT", title: "Canvas Tote", sku: "TOTE-NAT", sent: { quantity: 1, unitPrice: "15.00", discount: "1.50" }, now: null },
    { key: "19CAB750", title: "2019 Cabernet - 750ml", sku: "19CAB750", sent: null, now: { quantity: 1, unitPrice: "40.00", discount: "0.00" } },
  ],
  other: [{ field: "Shipping", sent: "Standard 10.00", now: "Express 15.00" }],
});

const tag = () => randomBytes(4).toString("hex");

/** An order sent to vintrace, with its sales order code. */
export async function sentOrder(db: Db, tenantId: string, orderName: string, code = `SO-${tag()}`) {
  return db.orderSync.create({
    data: {
      tenantId,
      orderGid: `gid://shopify/Order/${BigInt(`0x${randomBytes(6).toString("hex")}`)}`,
      orderName,
      source: "WEBHOOK",
      status: "SYNCED",
      vintraceSalesOrderId: Number.parseInt(randomBytes(3).toString("hex"), 16),
      vintraceSalesOrderCode: code,
      syncedAt: new Date(),
    },
  });
}

/** An entry for the order, as the worker would write it. */
export async function addChange(
  db: Db,
  order: { id: string; tenantId: string },
  details: OrderChangeDetails,
  fields: { detectedAt?: Date; handledAt?: Date; handledBy?: string; handledNote?: string; digestId?: string; supportDigestId?: string } = {},
) {
  return db.orderChange.create({
    data: { tenantId: order.tenantId, orderSyncId: order.id, kind: details.kind, details: orderChangeDetails.parse(details), ...fields },
  });
}
