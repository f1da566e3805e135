// vintrace v6 replies, parsed tolerantly: every field we do not need is optional, unknown fields are kept, and
// the spec's known inconsistencies are absorbed here (salesOrder vs salesOrders, totalResult vs totalResultCount,
// ids or amounts sent as strings).
import "server-only";
import { z } from "zod";

const numberish = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const optionalNumber = numberish.nullish().transform((v) => v ?? null);
const optionalText = z.string().nullish().transform((v) => v ?? null);

export const salesOrderItemSchema = z.looseObject({
  id: optionalNumber,
  itemId: optionalNumber,
  itemName: optionalText,
  quantity: optionalNumber,
  unitPrice: optionalNumber,
  externalReference: optionalText,
});

export const salesOrderSchema = z.looseObject({
  id: numberish,
  code: optionalText,
  externalTransactionId: optionalText,
  customerId: optionalNumber,
  customerName: optionalText,
  salesPriceListName: optionalText,
  salesOrderStatus: optionalText,
  orderDate: optionalNumber,
  storageAreaId: optionalNumber,
  priceDetails: z
    .looseObject({ countryCurrencyCode: optionalText, taxPolicy: optionalText })
    .nullish()
    .transform((v) => v ?? null),
  subTotal: optionalNumber,
  total: optionalNumber,
  salesOrderItems: z
    .array(salesOrderItemSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type SalesOrder = z.output<typeof salesOrderSchema>;

/** The spec's schema names the written order `salesOrders` (one object); its example and real replies `salesOrder`. */
export const salesOrderWriteSchema = z
  .looseObject({ salesOrder: salesOrderSchema.nullish(), salesOrders: salesOrderSchema.nullish() })
  .transform((reply, ctx) => {
    const order = reply.salesOrder ?? reply.salesOrders;
    if (!order) {
      ctx.addIssue({ code: "custom", message: "the reply has no salesOrder" });
      return z.NEVER;
    }
    return order;
  });

const count = (reply: { totalResult?: number | null; totalResultCount?: number | null }) => reply.totalResult ?? reply.totalResultCount ?? null;

export const salesOrderListSchema = z
  .looseObject({
    salesOrders: z.array(salesOrderSchema).nullish(),
    totalResult: optionalNumber,
    totalResultCount: optionalNumber,
    maxResult: optionalNumber,
  })
  .transform((reply) => ({ rows: reply.salesOrders ?? [], total: count(reply), maxResult: reply.maxResult }));

export const partySchema = z.looseObject({
  id: numberish,
  primeName: optionalText,
  givenName: optionalText,
  email: optionalText,
  phone: optionalText,
  isOrganization: z.boolean().nullish(),
});
export type Party = z.output<typeof partySchema>;

export const partyListSchema = z
  .looseObject({
    parties: z.array(partySchema).nullish(),
    totalResult: optionalNumber,
    totalResultCount: optionalNumber,
    maxResult: optionalNumber,
  })
  .transform((reply) => ({ rows: reply.parties ?? [], total: count(reply), maxResult: reply.maxResult }));

export const stockDistributionSchema = z.looseObject({
  areaId: optionalNumber,
  areaName: optionalText,
  buildingName: optionalText,
  qty: optionalNumber,
  available: optionalNumber,
});
export type StockDistribution = z.output<typeof stockDistributionSchema>;

export const stockItemDetailsSchema = z.looseObject({
  id: numberish,
  code: z.string(),
  description: optionalText,
  sku: optionalText,
  distributions: z
    .array(stockDistributionSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type StockItemDetails = z.output<typeof stockItemDetailsSchema>;

export const inventoryRowSchema = z.looseObject({
  code: z.string(),
  name: optionalText,
  description: optionalText,
  sku: optionalText,
  quantity: optionalNumber,
  available: optionalNumber,
  location: optionalText,
  price: optionalNumber,
  stockItemDetailsEndpoint: optionalText,
});
export type InventoryRow = z.output<typeof inventoryRowSchema>;

export const inventoryListSchema = z
  .looseObject({
    inventorySummaries: z.array(inventoryRowSchema).nullish(),
    totalResult: optionalNumber,
    totalResultCount: optionalNumber,
    maxResult: optionalNumber,
  })
  .transform((reply) => ({ rows: reply.inventorySummaries ?? [], total: count(reply), maxResult: reply.maxResult }));

/** The stock item id in an inventory row's `stockItemDetailsEndpoint` (".../stock/lookup?id=423"). */
export function stockItemIdOf(row: InventoryRow): number | null {
  const id = row.stockItemDetailsEndpoint?.match(/[?&]id=(\d+)/)?.[1];
  return id ? Number(id) : null;
}
