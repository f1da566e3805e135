// Builds realistic REST orders/create payloads for the simulated shops: string money, ids as numbers plus
// admin_graphql_api_id, line prices from the catalog, discount allocations, 10% GST, shipping lines and addresses. All
// arithmetic is in integer cents.
import type { ShopifyOrderPayload } from "@/server/shopify/order";
import { demoTenants } from "@/simulators/catalog";
import { catalogVariantsFor } from "@/simulators/shopify/shop-catalog";

export interface OrderLineInput {
  sku: string;
  qty: number;
  /** unit price for a SKU that is not in the shop's catalog */
  price?: string;
  title?: string;
  giftCard?: boolean;
}

export interface BuildOrderInput {
  shop: string;
  lines: OrderLineInput[];
  name?: string;
  orderNumber?: number;
  id?: number;
  createdAt?: string;
  test?: boolean;
  cancelledAt?: string | null;
  /** a percentage discount code spread across the lines */
  discountPercent?: number;
  taxesIncluded?: boolean;
  currency?: string;
  shippingPrice?: string;
  /** false: an order with no customer, email or addresses (POS, draft orders) */
  withCustomer?: boolean;
  tags?: string[];
}

/** The app's order payload (checked below), with the fields a webhook adds that the Admin API cannot rebuild. */
export type SimOrderPayload = ReturnType<typeof buildOrderPayload>;
export type SimLineItem = ReturnType<typeof buildLineItem>["item"];

/** A Refund as refunds/create carries it and as an order's refunds[] lists it. */
export interface SimRefund {
  id: number;
  admin_graphql_api_id: string;
  order_id: number;
  created_at: string;
  processed_at: string;
  note: string | null;
  restock: boolean;
  user_id: number | null;
  refund_line_items: {
    id: number;
    quantity: number;
    line_item_id: number;
    location_id: number | null;
    restock_type: "no_restock" | "cancel" | "return";
    subtotal: string;
    total_tax: string;
    subtotal_set: { shop_money: { amount: string; currency_code: string } };
    total_tax_set: { shop_money: { amount: string; currency_code: string } };
    line_item: SimLineItem;
  }[];
  transactions: {
    id: number;
    admin_graphql_api_id: string;
    order_id: number;
    kind: "refund";
    gateway: string;
    status: "success";
    amount: string;
    currency: string;
    created_at: string;
    test: boolean;
  }[];
  order_adjustments: { id: number; order_id: number; refund_id: number; kind: "refund_discrepancy"; reason: string; amount: string; tax_amount: string }[];
  duties: never[];
}

/** An order that cannot be built from what was asked: the caller's mistake, not the simulator's. */
export class OrderInputError extends Error {}

const GST_RATE = 0.1;
const DISCOUNT_CODE = "WELCOME";

// Starts from the clock so that a restarted simulator (the demo's second run) never reuses an order id the app
// already holds; stays far below 2^53, like real Shopify ids today.
let lastId = 6_120_000_000_000 + (Date.now() % 1_000_000_000) * 100;
/** Unique within the process and across restarts: orders, line items and shipping lines all draw from it. */
export const nextShopifyId = () => ++lastId;

export const toCents = (amount: string): number => {
  const [whole, fraction = ""] = amount.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2)) * (amount.startsWith("-") ? -1 : 1);
};
export const fromCents = (cents: number): string => `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;

/** The money the refunds gave back, in cents. */
export const refundedCents = (refunds: SimRefund[]): number => refunds.flatMap((r) => r.transactions).reduce((sum, t) => sum + toCents(t.amount), 0);

/** GST in cents on an amount that includes it (1/11th) or excludes it (10%). */
const taxOn = (cents: number, included: boolean) => Math.round(included ? (cents * GST_RATE) / (1 + GST_RATE) : cents * GST_RATE);
const gstLine = (cents: number) => ({ title: "GST", rate: GST_RATE, price: fromCents(cents) });

function defaultTaxesIncluded(shop: string): boolean {
  const tenant = demoTenants.find((w) => w.shopDomain === shop);
  return tenant ? tenant.priceList.taxPolicy === "Tax Inclusive" : true;
}

/** One order line priced from the catalog (or its own price), with its share of a percentage discount and its GST. */
export function buildLineItem(shop: string, line: OrderLineInput, pricing: { percent: number; taxesIncluded: boolean }) {
  if (!Number.isInteger(line.qty) || line.qty < 1) throw new OrderInputError(`quantity for ${line.sku} must be a positive whole number`);
  const variant = catalogVariantsFor(shop).find((v) => v.sku === line.sku);
  const price = line.price ?? variant?.price;
  if (!price) throw new OrderInputError(`SKU ${line.sku} is not in ${shop}'s catalog; give it a price`);
  const lineCents = toCents(price) * line.qty;
  const discountCents = Math.round((lineCents * pricing.percent) / 100);
  const taxCents = taxOn(lineCents - discountCents, pricing.taxesIncluded);
  const lineId = nextShopifyId();
  const title = line.title ?? variant?.productTitle ?? line.sku;
  const variantTitle = variant && variant.title !== "Default Title" ? variant.title : null;
  return {
    lineCents,
    discountCents,
    taxCents,
    item: {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      product_id: variant?.productId ?? null,
      variant_id: variant?.id ?? null,
      sku: line.sku || null,
      title,
      variant_title: variantTitle,
      name: variantTitle ? `${title} - ${variantTitle}` : title,
      vendor: demoTenants.find((w) => w.shopDomain === shop)?.name ?? "Simulated Winery",
      quantity: line.qty,
      current_quantity: line.qty,
      price,
      total_discount: "0.00",
      taxable: !line.giftCard,
      requires_shipping: !line.giftCard,
      gift_card: line.giftCard ?? false,
      discount_allocations: discountCents ? [{ amount: fromCents(discountCents), discount_application_index: 0 }] : [],
      tax_lines: [gstLine(taxCents)],
    },
  };
}

export function buildOrderPayload(input: BuildOrderInput) {
  if (input.lines.length === 0) throw new OrderInputError("an order needs at least one line");
  const currency = input.currency ?? "AUD";
  const taxesIncluded = input.taxesIncluded ?? defaultTaxesIncluded(input.shop);
  const id = input.id ?? nextShopifyId();
  const orderNumber = input.orderNumber ?? 1001;
  const createdAt = input.createdAt ?? new Date().toISOString();
  const percent = input.discountPercent ?? 0;

  const lineItems = input.lines.map((line) => buildLineItem(input.shop, line, { percent, taxesIncluded }));

  const shippingCents = toCents(input.shippingPrice ?? "10.00");
  const shippingTaxCents = taxOn(shippingCents, taxesIncluded);
  const sum = (f: (l: (typeof lineItems)[number]) => number) => lineItems.reduce((total, l) => total + f(l), 0);
  const lineTotal = sum((l) => l.lineCents);
  const discounts = sum((l) => l.discountCents);
  const tax = sum((l) => l.taxCents) + shippingTaxCents;
  const subtotal = lineTotal - discounts;
  const total = subtotal + shippingCents + (taxesIncluded ? 0 : tax);
  const money = (cents: number) => ({ amount: fromCents(cents), currency_code: currency });
  const withCustomer = input.withCustomer ?? true;
  // null in every generated order, but a string in others (tests change them)
  const unset = null as string | null;
  const customerId = nextShopifyId();
  const address = {
    first_name: "Jane",
    last_name: "Citizen",
    name: "Jane Citizen",
    company: unset,
    address1: "12 Cellar Door Rd",
    address2: "",
    city: "Tanunda",
    province: "South Australia",
    province_code: "SA",
    zip: "5352",
    country: "Australia",
    country_code: "AU",
    phone: "+61 400 000 000",
  };

  const payload = {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: input.name ?? `#${orderNumber}`,
    order_number: orderNumber,
    number: orderNumber - 1000,
    confirmation_number: id.toString(36).toUpperCase().slice(-9),
    created_at: createdAt,
    updated_at: createdAt,
    processed_at: createdAt,
    test: input.test ?? false,
    cancelled_at: input.cancelledAt ?? null,
    cancel_reason: input.cancelledAt ? "customer" : null,
    tags: (input.tags ?? []).join(", "),
    email: withCustomer ? "jane@example.com" : null,
    phone: unset,
    note: unset,
    source_name: "web",
    currency,
    presentment_currency: currency,
    taxes_included: taxesIncluded,
    financial_status: "paid",
    fulfillment_status: unset,
    total_line_items_price: fromCents(lineTotal),
    total_discounts: fromCents(discounts),
    subtotal_price: fromCents(subtotal),
    total_tax: fromCents(tax),
    total_price: fromCents(total),
    total_shipping_price_set: { shop_money: money(shippingCents), presentment_money: money(shippingCents) },
    discount_codes: percent ? [{ code: DISCOUNT_CODE, amount: fromCents(discounts), type: "percentage" }] : [],
    discount_applications: percent
      ? [{ type: "discount_code", code: DISCOUNT_CODE, value: `${percent}.0`, value_type: "percentage", allocation_method: "across", target_selection: "all", target_type: "line_item" }]
      : [],
    tax_lines: [gstLine(tax)],
    line_items: lineItems.map((l) => l.item),
    shipping_lines: [
      {
        id: nextShopifyId(),
        title: "Standard",
        code: "STANDARD",
        source: "shopify",
        price: fromCents(shippingCents),
        discounted_price: fromCents(shippingCents),
        tax_lines: [gstLine(shippingTaxCents)],
        discount_allocations: [],
      },
    ],
    customer: withCustomer
      ? { id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}`, email: "jane@example.com", first_name: "Jane", last_name: "Citizen", phone: unset }
      : null,
    shipping_address: withCustomer ? address : null,
    billing_address: withCustomer ? address : null,
  };
  return payload satisfies ShopifyOrderPayload;
}
