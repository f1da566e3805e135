// The Shopify order, declared once: the REST body of an orders/create webhook. It comes from two places:
//
// - the webhook itself (server/shopify/webhooks/orders-create.ts), stored as delivered and parsed with
//   parseShopifyOrder when the order is synced;
// - the Admin API, for an order that has no webhook body (a manual retry, or one found by reconciliation):
//   orderPayloadFromGraphql below rewrites the ORDER_PAYLOAD query's answer (server/shopify/graphql.ts) into the
//   webhook's shape, so both go down the same parse and the same mapping to vintrace.
//
// The schema checks the fields the mapping to vintrace reads; the others are `carried`: typed, but passed through
// unchecked as Shopify wrote them.
// The GraphQL mapping relies on: legacyResourceId for the numeric ids REST carries (line items, shipping lines and
// the customer take the number at the end of their GID), shopMoney of every MoneyBag (REST amounts are in the shop's
// currency, so presentment_currency is the shop's too), originalUnitPriceSet as the unit price,
// discountAllocations and taxLines per line (what pricing reads), taxesIncluded, currencyCode, name, createdAt,
// cancelledAt, test and tags. Line items arrive in pages; the caller passes them all. What GraphQL does not have is
// rebuilt: total_line_items_price is Σ price × quantity, total_discount per line is the webhook's legacy "0.00", and
// discount_codes carry the code alone.
//
// Parsing is tolerant: unknown fields are kept, nullable fields may be missing, and money stays a decimal string
// (see server/money.ts) so no amount is ever a float. Ids become strings because Shopify ids are 64-bit and outgrow
// JavaScript numbers.
import "server-only";
import { z } from "zod";
import { padDecimals, sumDecimals } from "@/server/money";
import type { AddressNode, LineItemNode, MoneyBag, OrderPayloadNode, ShippingLineNode, TaxLineNode } from "@/server/shopify/graphql";

const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const money = z.union([z.string(), z.number()]).transform((v) => String(v));
const text = z.string().nullish().transform((v) => v ?? null);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
/** A field the sync never reads: typed, but passed through unchecked as the webhook sent it. */
const carried = <T>() => z.custom<T>().optional();

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
  product_id: carried<number | null>(),
  variant_id: carried<number | null>(),
  vendor: carried<string | null>(),
  current_quantity: carried<number>(),
  /** legacy: 0.00 even when the line is discounted; discount_allocations carry the discounts */
  total_discount: carried<string>(),
  requires_shipping: carried<boolean>(),
});

export const shippingLineSchema = z.looseObject({
  id: id.nullish(),
  title: text,
  code: text,
  price: money,
  discounted_price: money.nullish(),
  discount_allocations: list(discountAllocationSchema),
  tax_lines: list(taxLineSchema),
  source: carried<string | null>(),
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
  admin_graphql_api_id: carried<string>(),
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
  updated_at: carried<string>(),
  processed_at: carried<string>(),
  cancel_reason: carried<string | null>(),
  /** comma-separated, as the webhook writes them: "gift, wholesale" */
  tags: carried<string>(),
  phone: carried<string | null>(),
  note: carried<string | null>(),
  source_name: carried<string | null>(),
  presentment_currency: carried<string>(),
  financial_status: carried<string | null>(),
  fulfillment_status: carried<string | null>(),
  total_line_items_price: carried<string>(),
  total_shipping_price_set: carried<{ shop_money: MoneyPayload; presentment_money: MoneyPayload }>(),
  /** the Admin API gives the code alone; a webhook adds the amount and the type */
  discount_codes: carried<{ code: string; amount?: string; type?: string }[]>(),
  tax_lines: carried<TaxLinePayload[]>(),
  billing_address: carried<AddressPayload | null>(),
});

interface MoneyPayload {
  amount: string;
  currency_code: string;
}

/** The order as a webhook delivers it, and as orderPayloadFromGraphql writes it: what is stored. */
export type ShopifyOrderPayload = z.input<typeof shopifyOrderSchema>;
type TaxLinePayload = z.input<typeof taxLineSchema>;
type AddressPayload = z.input<typeof addressSchema>;
/** The order once parsed: what the sync reads. */
export type ShopifyOrder = z.output<typeof shopifyOrderSchema>;
export type ShopifyLineItem = z.output<typeof lineItemSchema>;
export type ShopifyShippingLine = z.output<typeof shippingLineSchema>;
export type ShopifyTaxLine = z.output<typeof taxLineSchema>;

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

/** The order's tags as a list: the webhook writes them comma-separated. */
export function orderTags(order: Pick<ShopifyOrderPayload, "tags">): string[] {
  return (order.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean);
}

// The Admin API's order in the webhook's shape. GraphQL writes Decimal as "35.0" where the webhook writes "35.00".

const amountOf = (bag: MoneyBag) => padDecimals(bag.shopMoney.amount, 2);

/** The numeric id at the end of a GID, as REST payloads carry it. */
export function legacyIdOf(gid: string): number {
  return Number(gid.slice(gid.lastIndexOf("/") + 1));
}

const taxLine = (t: TaxLineNode) => ({ title: t.title, rate: t.rate, price: amountOf(t.priceSet) });

function address(a: AddressNode | null): AddressPayload | null {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: a.name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    province_code: a.provinceCode,
    zip: a.zip,
    country: a.country,
    country_code: a.countryCodeV2,
    phone: a.phone,
  };
}

function lineItem(l: LineItemNode) {
  return {
    id: legacyIdOf(l.id),
    admin_graphql_api_id: l.id,
    product_id: l.product ? Number(l.product.legacyResourceId) : null,
    variant_id: l.variant ? Number(l.variant.legacyResourceId) : null,
    sku: l.sku || null,
    title: l.title,
    variant_title: l.variantTitle,
    name: l.name,
    vendor: l.vendor,
    quantity: l.quantity,
    current_quantity: l.currentQuantity,
    price: amountOf(l.originalUnitPriceSet),
    total_discount: "0.00",
    taxable: l.taxable,
    requires_shipping: l.requiresShipping,
    gift_card: l.isGiftCard,
    discount_allocations: l.discountAllocations.map((d) => ({
      amount: amountOf(d.allocatedAmountSet),
      discount_application_index: d.discountApplication?.index ?? null,
    })),
    tax_lines: l.taxLines.map(taxLine),
  };
}

function shippingLine(s: ShippingLineNode) {
  return {
    id: s.id ? legacyIdOf(s.id) : null,
    title: s.title,
    code: s.code,
    source: s.source,
    price: amountOf(s.originalPriceSet),
    discounted_price: amountOf(s.discountedPriceSet),
    tax_lines: s.taxLines.map(taxLine),
    discount_allocations: [],
  };
}

const FULFILLMENT_STATUS: Record<string, string | null> = { UNFULFILLED: null, FULFILLED: "fulfilled", PARTIALLY_FULFILLED: "partial", RESTOCKED: "restocked" };

/** The order the ORDER_PAYLOAD query answered, with all its line items, as an orders/create webhook would carry it. */
export function orderPayloadFromGraphql(order: OrderPayloadNode, lineItems: LineItemNode[]): ShopifyOrderPayload {
  const currency = order.currencyCode;
  const shipping = amountOf(order.totalShippingPriceSet);
  const lines = lineItems.map(lineItem);
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    test: order.test,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    tags: order.tags.join(", "),
    email: order.email,
    phone: order.phone,
    note: order.note,
    source_name: order.sourceName,
    currency,
    presentment_currency: order.presentmentCurrencyCode,
    taxes_included: order.taxesIncluded,
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillment_status:
      order.displayFulfillmentStatus in FULFILLMENT_STATUS ? FULFILLMENT_STATUS[order.displayFulfillmentStatus] : order.displayFulfillmentStatus.toLowerCase(),
    total_line_items_price: sumDecimals(lines.map((l) => ({ amount: l.price, times: l.quantity }))),
    total_discounts: amountOf(order.totalDiscountsSet),
    subtotal_price: amountOf(order.subtotalPriceSet),
    total_tax: amountOf(order.totalTaxSet),
    total_price: amountOf(order.totalPriceSet),
    total_shipping_price_set: {
      shop_money: { amount: shipping, currency_code: currency },
      presentment_money: { amount: shipping, currency_code: currency },
    },
    discount_codes: order.discountCodes.map((code) => ({ code })),
    tax_lines: order.taxLines.map(taxLine),
    line_items: lines,
    shipping_lines: order.shippingLines.nodes.map(shippingLine),
    customer: order.customer && {
      id: Number(order.customer.legacyResourceId),
      admin_graphql_api_id: order.customer.id,
      email: order.customer.email,
      first_name: order.customer.firstName,
      last_name: order.customer.lastName,
      phone: order.customer.phone,
    },
    shipping_address: address(order.shippingAddress),
    billing_address: address(order.billingAddress),
  };
}
