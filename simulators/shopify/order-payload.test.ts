import { describe, expect, it } from "vitest";
import { buildOrderPayload, fromCents, toCents } from "@/simulators/shopify/order-payload";

const sumCents = (amounts: string[]) => amounts.reduce((total, a) => total + toCents(a), 0);

describe("buildOrderPayload", () => {
  it("prices lines from the shop's catalog and keeps every total consistent (tax inclusive)", () => {
    const order = buildOrderPayload({ shop: "hilltop-estate.myshopify.com", lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "TOTE-NAT", qty: 1 }], discountPercent: 10, orderNumber: 1042 });
    expect(order).toMatchObject({ name: "#1042", order_number: 1042, number: 42, currency: "AUD", taxes_included: true, total_line_items_price: "85.00", total_discounts: "8.50", subtotal_price: "76.50" });
    expect(order.admin_graphql_api_id).toBe(`gid://shopify/Order/${order.id}`);
    expect(order.line_items[0]).toMatchObject({ sku: "21SHZ750", title: "2021 Shiraz", variant_title: "750ml", name: "2021 Shiraz - 750ml", price: "35.00", quantity: 2 });
    expect(sumCents(order.line_items.flatMap((l) => l.discount_allocations.map((d) => d.amount)))).toBe(toCents(order.total_discounts));
    // inclusive: tax is inside the prices, so the total is subtotal + shipping
    expect(toCents(order.total_price)).toBe(toCents(order.subtotal_price) + toCents(order.shipping_lines[0].price));
    expect(sumCents([...order.line_items.flatMap((l) => l.tax_lines.map((t) => t.price)), order.shipping_lines[0].tax_lines[0].price])).toBe(toCents(order.total_tax));
  });

  it("adds tax on top for a tax-exclusive shop", () => {
    const order = buildOrderPayload({ shop: "river-bend.myshopify.com", lines: [{ sku: "RB-SB-23", qty: 3 }] });
    expect(order.taxes_included).toBe(false);
    expect(order).toMatchObject({ subtotal_price: "66.00", total_tax: "7.60", total_price: "83.60" });
  });

  it("refuses lines it cannot price, and bad quantities", () => {
    expect(() => buildOrderPayload({ shop: "hilltop-estate.myshopify.com", lines: [{ sku: "NOPE", qty: 1 }] })).toThrow(/not in .* catalog/);
    expect(() => buildOrderPayload({ shop: "hilltop-estate.myshopify.com", lines: [{ sku: "21SHZ750", qty: 0 }] })).toThrow(/positive whole number/);
    expect(() => buildOrderPayload({ shop: "hilltop-estate.myshopify.com", lines: [] })).toThrow(/at least one line/);
  });

  it("can build an order with no customer or addresses", () => {
    const order = buildOrderPayload({ shop: "hilltop-estate.myshopify.com", lines: [{ sku: "21SHZ750", qty: 1 }], withCustomer: false });
    expect(order).toMatchObject({ customer: null, email: null, shipping_address: null, billing_address: null });
  });

  it("converts money without floats", () => {
    expect(toCents("0.07")).toBe(7);
    expect(toCents("35.5")).toBe(3550);
    expect(fromCents(100005)).toBe("1000.05");
  });
});
