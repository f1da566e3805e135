// Turns an order read over GraphQL into the shape of the REST orders/create webhook body, so an order queued by a
// manual retry or by reconciliation, which has no webhook payload, goes down the same mapping as one that arrived by
// webhook. Money stays in decimal strings, as in the webhook.
import "server-only";
import type { AddressNode, LineItemNode, MoneyBag, OrderPayloadNode, ShippingLineNode, TaxLineNode } from "@/server/shopify/graphql";

export interface RestTaxLine {
  title: string;
  rate: number | null;
  price: string;
}

export interface RestAddress {
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  province_code: string | null;
  zip: string | null;
  country: string | null;
  country_code: string | null;
  phone: string | null;
}

export interface RestLineItem {
  id: number;
  admin_graphql_api_id: string;
  product_id: number | null;
  variant_id: number | null;
  sku: string | null;
  title: string;
  variant_title: string | null;
  name: string;
  vendor: string | null;
  quantity: number;
  current_quantity: number;
  price: string;
  total_discount: string;
  taxable: boolean;
  requires_shipping: boolean;
  gift_card: boolean;
  discount_allocations: { amount: string; discount_application_index: number | null }[];
  tax_lines: RestTaxLine[];
}

export interface RestShippingLine {
  id: number | null;
  title: string;
  code: string | null;
  source: string | null;
  price: string;
  discounted_price: string;
  tax_lines: RestTaxLine[];
  discount_allocations: { amount: string }[];
}

/** The fields of a REST orders/create payload that this app produces and reads. */
export interface OrderWebhookPayload {
  id: number;
  admin_graphql_api_id: string;
  name: string;
  created_at: string;
  updated_at: string;
  processed_at: string;
  test: boolean;
  cancelled_at: string | null;
  cancel_reason: string | null;
  tags: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  source_name: string | null;
  currency: string;
  presentment_currency: string;
  taxes_included: boolean;
  financial_status: string | null;
  fulfillment_status: string | null;
  total_line_items_price: string;
  total_discounts: string;
  subtotal_price: string;
  total_tax: string;
  total_price: string;
  total_shipping_price_set: { shop_money: { amount: string; currency_code: string }; presentment_money: { amount: string; currency_code: string } };
  discount_codes: { code: string }[];
  tax_lines: RestTaxLine[];
  line_items: RestLineItem[];
  shipping_lines: RestShippingLine[];
  customer: { id: number; admin_graphql_api_id: string; email: string | null; first_name: string | null; last_name: string | null; phone: string | null } | null;
  shipping_address: RestAddress | null;
  billing_address: RestAddress | null;
}

/** GraphQL writes Decimal as "35.0"; the webhook writes "35.00". */
export function restMoney(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  return `${whole}.${fraction.padEnd(2, "0")}`;
}

const amountOf = (bag: MoneyBag) => restMoney(bag.shopMoney.amount);

/** The numeric id at the end of a GID, as REST payloads carry it. */
export function legacyIdOf(gid: string): number {
  return Number(gid.slice(gid.lastIndexOf("/") + 1));
}

/** Exact decimal arithmetic on money strings, scaled to the longest fraction involved. */
function sumMoney(terms: { amount: string; times: number }[]): string {
  const scale = Math.max(2, ...terms.map((t) => (t.amount.split(".")[1] ?? "").length));
  const toUnits = (amount: string) => {
    const negative = amount.startsWith("-");
    const [whole, fraction = ""] = amount.replace("-", "").split(".");
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    return negative ? -units : units;
  };
  const total = terms.reduce((sum, t) => sum + toUnits(t.amount) * BigInt(t.times), 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
  return `${total < 0n ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const taxLine = (t: TaxLineNode): RestTaxLine => ({ title: t.title, rate: t.rate, price: amountOf(t.priceSet) });

function address(a: AddressNode | null): RestAddress | null {
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

function lineItem(l: LineItemNode): RestLineItem {
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
    // legacy field: the webhook shows 0.00 here even with discounts; the allocations carry them
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

function shippingLine(s: ShippingLineNode): RestShippingLine {
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

export function orderPayloadFromGraphql(order: OrderPayloadNode, lineItems: LineItemNode[]): OrderWebhookPayload {
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
    total_line_items_price: sumMoney(lines.map((l) => ({ amount: l.price, times: l.quantity }))),
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
