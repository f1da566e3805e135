// How the simulator's stored REST orders look through GraphQL (API 2026-10): camelCase, GIDs, MoneyBags with
// Decimal amounts written the way GraphQL writes them ("35.0", not "35.00").
import { fromCents, refundedCents, type SimOrderPayload } from "@/simulators/shopify/order-payload";
import type { SimMetafield, SimMetafieldDefinition, SimOrder } from "@/simulators/shopify/shop-state";

/** "35.00" → "35.0", "3.51" → "3.51", as Shopify's Decimal scalar serialises. */
export function graphqlDecimal(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  return `${whole}.${fraction.replace(/0+$/, "") || "0"}`;
}

const moneyBag = (amount: string, currencyCode: string) => ({ shopMoney: { amount: graphqlDecimal(amount), currencyCode } });

const taxLines = (lines: SimOrderPayload["tax_lines"], currency: string) =>
  lines.map((t) => ({ title: t.title, rate: t.rate, priceSet: moneyBag(t.price, currency) }));

function address(a: SimOrderPayload["shipping_address"]) {
  if (!a) return null;
  return {
    firstName: a.first_name,
    lastName: a.last_name,
    name: a.name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.province_code,
    zip: a.zip,
    country: a.country,
    countryCodeV2: a.country_code,
    phone: a.phone,
  };
}

export function orderSummaryNode(order: SimOrder) {
  const p = order.payload;
  return { id: p.admin_graphql_api_id, name: p.name, tags: [...order.tags], test: p.test, cancelledAt: p.cancelled_at, createdAt: p.created_at, taxesIncluded: p.taxes_included };
}

export function lineItemNodes(order: SimOrder) {
  const currency = order.payload.currency;
  return order.payload.line_items.map((l) => ({
    id: l.admin_graphql_api_id,
    sku: l.sku,
    title: l.title,
    variantTitle: l.variant_title,
    name: l.name,
    quantity: l.quantity,
    currentQuantity: l.current_quantity,
    vendor: l.vendor,
    isGiftCard: l.gift_card,
    requiresShipping: l.requires_shipping,
    taxable: l.taxable,
    originalUnitPriceSet: moneyBag(l.price, currency),
    discountAllocations: l.discount_allocations.map((d) => ({
      allocatedAmountSet: moneyBag(d.amount, currency),
      discountApplication: d.discount_application_index === null ? null : { index: d.discount_application_index },
    })),
    taxLines: taxLines(l.tax_lines, currency),
    variant: l.variant_id ? { id: `gid://shopify/ProductVariant/${l.variant_id}`, legacyResourceId: String(l.variant_id) } : null,
    product: l.product_id ? { id: `gid://shopify/Product/${l.product_id}`, legacyResourceId: String(l.product_id) } : null,
  }));
}

const FULFILLMENT_STATUS: Record<string, string> = { fulfilled: "FULFILLED", partial: "PARTIALLY_FULFILLED", restocked: "RESTOCKED" };

/** Everything the OrderPayload query asks for, except lineItems, which the caller pages. */
export function orderPayloadNode(order: SimOrder) {
  const p = order.payload;
  const c = p.currency;
  return {
    ...orderSummaryNode(order),
    legacyResourceId: String(p.id),
    updatedAt: p.updated_at,
    processedAt: p.processed_at,
    cancelReason: p.cancel_reason?.toUpperCase() ?? null,
    email: p.email,
    phone: p.phone,
    note: p.note,
    currencyCode: c,
    presentmentCurrencyCode: p.presentment_currency,
    taxesIncluded: p.taxes_included,
    displayFinancialStatus: p.financial_status?.toUpperCase() ?? null,
    displayFulfillmentStatus: (p.fulfillment_status && FULFILLMENT_STATUS[p.fulfillment_status]) ?? "UNFULFILLED",
    sourceName: p.source_name,
    discountCodes: p.discount_codes.map((d) => d.code),
    subtotalPriceSet: moneyBag(p.subtotal_price, c),
    totalPriceSet: moneyBag(p.total_price, c),
    totalTaxSet: moneyBag(p.total_tax, c),
    totalDiscountsSet: moneyBag(p.total_discounts, c),
    totalShippingPriceSet: moneyBag(p.total_shipping_price_set.shop_money.amount, c),
    taxLines: taxLines(p.tax_lines, c),
    customer: p.customer && {
      id: p.customer.admin_graphql_api_id,
      legacyResourceId: String(p.customer.id),
      email: p.customer.email,
      firstName: p.customer.first_name,
      lastName: p.customer.last_name,
      phone: p.customer.phone,
    },
    shippingAddress: address(p.shipping_address),
    billingAddress: address(p.billing_address),
    totalRefundedSet: moneyBag(fromCents(refundedCents(order.refunds)), c),
    refunds: order.refunds.map((r) => ({
      id: r.admin_graphql_api_id,
      legacyResourceId: String(r.id),
      createdAt: r.created_at,
      note: r.note,
      totalRefundedSet: moneyBag(fromCents(refundedCents([r])), c),
      refundLineItems: {
        nodes: r.refund_line_items.map((l) => ({
          quantity: l.quantity,
          lineItem: { id: l.line_item.admin_graphql_api_id, sku: l.line_item.sku, title: l.line_item.title },
          subtotalSet: moneyBag(l.subtotal, c),
          totalTaxSet: moneyBag(l.total_tax, c),
        })),
      },
    })),
    shippingLines: {
      nodes: p.shipping_lines.map((s) => ({
        id: s.id === null ? null : `gid://shopify/ShippingLine/${s.id}`,
        title: s.title,
        code: s.code,
        source: s.source,
        originalPriceSet: moneyBag(s.price, c),
        discountedPriceSet: moneyBag(s.discounted_price, c),
        taxLines: taxLines(s.tax_lines, c),
      })),
    },
  };
}

export function metafieldNode(metafield: SimMetafield) {
  const { id, namespace, key, type, value, createdAt, updatedAt } = metafield;
  return { id, namespace, key, type, value, createdAt, updatedAt };
}

export function metafieldDefinitionNode(definition: SimMetafieldDefinition) {
  const { id, name, namespace, key, ownerType, type, pinnedPosition } = definition;
  return { id, name, namespace, key, ownerType, type: { name: type }, pinnedPosition };
}
