// The part of Shopify's orders/create REST payload that the sync reads. Parsing is tolerant: unknown fields are
// kept, nullable fields may be missing, and money stays a decimal string (see server/money.ts) so no amount is
// ever a float. Ids become strings because Shopify ids are 64-bit and outgrow JavaScript numbers.
import "server-only";
import { z } from "zod";

const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const money = z.union([z.string(), z.number()]).transform((v) => String(v));
const text = z.string().nullish().transform((v) => v ?? null);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const taxLineSchema = z.looseObject({
  title: text,
  rate: z.union([z.number(), z.string()]).nullish().transform((v) => v ?? null),
  price: money,
});

export const discountAllocationSchema = z.looseObject({
  amount: money,
  discount_application_index: z.number().nullish(),
});

export const lineItemSchema = z.looseObject({
  id,
  admin_graphql_api_id: text,
  sku: text,
  title: text,
  variant_title: text,
  name: text,
  quantity: z.number().int(),
  price: money,
  gift_card: z.boolean().nullish().transform((v) => v ?? false),
  taxable: z.boolean().nullish(),
  discount_allocations: list(discountAllocationSchema),
  tax_lines: list(taxLineSchema),
});

export const shippingLineSchema = z.looseObject({
  id: id.nullish(),
  title: text,
  code: text,
  price: money,
  discounted_price: money.nullish(),
  discount_allocations: list(discountAllocationSchema),
  tax_lines: list(taxLineSchema),
});

export const addressSchema = z.looseObject({
  first_name: text,
  last_name: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  zip: text,
  country: text,
  country_code: text,
  phone: text,
});

export const customerSchema = z.looseObject({
  id: id.nullish(),
  email: text,
  first_name: text,
  last_name: text,
  phone: text,
});

export const shopifyOrderSchema = z.looseObject({
  id,
  admin_graphql_api_id: text,
  name: z.string(),
  created_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "is not a date"),
  currency: z.string(),
  taxes_included: z.boolean().nullish().transform((v) => v ?? false),
  test: z.boolean().nullish().transform((v) => v ?? false),
  cancelled_at: text,
  email: text,
  total_price: money.nullish(),
  subtotal_price: money.nullish(),
  total_tax: money.nullish(),
  total_discounts: money.nullish(),
  line_items: z.array(lineItemSchema),
  shipping_lines: list(shippingLineSchema),
  shipping_address: addressSchema.nullish().transform((v) => v ?? null),
  customer: customerSchema.nullish().transform((v) => v ?? null),
});

export type ShopifyOrder = z.output<typeof shopifyOrderSchema>;
export type ShopifyOrderInput = z.input<typeof shopifyOrderSchema>;
export type ShopifyLineItem = z.output<typeof lineItemSchema>;
export type ShopifyShippingLine = z.output<typeof shippingLineSchema>;
export type ShopifyTaxLine = z.output<typeof taxLineSchema>;
export type ShopifyAddress = z.output<typeof addressSchema>;

export type OrderParse = { ok: true; order: ShopifyOrder } | { ok: false; problems: string[] };

/** Parses a webhook body, naming each field that is missing or malformed. */
export function parseShopifyOrder(raw: unknown): OrderParse {
  const result = shopifyOrderSchema.safeParse(raw);
  if (result.success) return { ok: true, order: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `Shopify order field '${issue.path.join(".") || "(body)"}': ${issue.message}`),
  };
}

/** The order's numeric id, taken from its GID when present because the JSON number may have lost precision. */
export function shopifyOrderId(order: ShopifyOrder): string {
  const fromGid = order.admin_graphql_api_id?.match(/\/(\d+)$/)?.[1];
  return fromGid ?? order.id;
}
