import { describe, expect, it } from "vitest";
import { buildSalesOrder, type SalesOrderSettings } from "./build-sales-order";
import { sampleLineItem, sampleOrder } from "../../test/support/fixtures";

const shop = "hilltop-estate.myshopify.com";

function settings(overrides: Partial<SalesOrderSettings> = {}): SalesOrderSettings {
  return {
    customerName: "Shopify Web Customer",
    salesPriceList: "Retail Inclusive",
    storageAreaId: 99,
    taxPolicy: "INCLUSIVE",
    discountMode: "ADJUSTMENT",
    currency: "AUD",
    shippingPolicy: "OMIT",
    shippingStockCode: null,
    skuMap: {},
    ignore: { linesWithoutSku: false, giftCards: false, skus: [] },
    ...overrides,
  };
}

function built(result: ReturnType<typeof buildSalesOrder>) {
  if (!result.ok) throw new Error(`expected ok, got problems: ${result.problems.join(" | ")}`);
  return result;
}

function problems(result: ReturnType<typeof buildSalesOrder>): string[] {
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

describe("buildSalesOrder: the header", () => {
  it("builds the sales order for a typical GST-inclusive order with a discount code", () => {
    const result = built(buildSalesOrder(sampleOrder(), settings(), shop));
    expect(result.body).toEqual({
      customerName: "Shopify Web Customer",
      salesPriceListName: "Retail Inclusive",
      storageAreaId: 99,
      salesOrderStatus: "New",
      orderDate: Date.parse("2026-10-05T01:14:01Z"),
      reference: "#1001",
      externalTransactionId: "shopify:hilltop-estate.myshopify.com:6120458723401",
      ignoreStockError: false,
      sendTo: {
        name: "Jane Doe",
        primeName: "Jane Doe",
        phone: "+61 400 000 000",
        email: "jane@example.com",
        address: { street1: "12 Market St", street2: null, city: "Adelaide", state: "South Australia", postalCode: "5000", country: "Australia" },
      },
      salesOrderItems: [
        { itemName: "21SHZ750", quantity: 2, unitPrice: 35, adjustment: 7, externalReference: "gid://shopify/LineItem/15133209411657" },
        { itemName: "TOTE-NAT", quantity: 1, unitPrice: 15, adjustment: 1.5, externalReference: "gid://shopify/LineItem/15133209444425" },
      ],
    });
    expect(result.warnings).toEqual([]);
    expect(result.ignoredLines).toEqual([]);
    expect(result.lines.map((l) => l.shopifyName)).toEqual(["2021 Shiraz - 750ml", "Canvas Tote"]);
  });

  it("writes exact decimals into the JSON text", () => {
    const json = JSON.stringify(built(buildSalesOrder(sampleOrder(), settings(), shop)).body);
    expect(json).toContain('"unitPrice":35,');
    expect(json).toContain('"adjustment":1.5,');
  });

  it("takes the order id from the GID, which never loses precision", () => {
    const order = sampleOrder({ id: 9007199254740993, admin_graphql_api_id: "gid://shopify/Order/9007199254740993" });
    expect(built(buildSalesOrder(order, settings(), shop)).body.externalTransactionId).toBe("shopify:hilltop-estate.myshopify.com:9007199254740993");
  });

  it("sends no ship-to when the order has no customer and no shipping address", () => {
    const result = built(buildSalesOrder(sampleOrder({ customer: null, shipping_address: null, email: null }), settings(), shop));
    expect(result.body.sendTo).toBeUndefined();
    expect(result.body.customerName).toBe("Shopify Web Customer");
  });

  it("omits the storage area when none is set", () => {
    expect(built(buildSalesOrder(sampleOrder(), settings({ storageAreaId: null }), shop)).body).not.toHaveProperty("storageAreaId");
  });

  it("keeps unicode names intact", () => {
    const order = sampleOrder({
      shipping_address: { name: "Zoë Ångström-Nguyễn", address1: "1 Rue de l'Église", city: "Montréal", country: "Canada", zip: null },
      line_items: [sampleLineItem({ sku: "23RSE750", title: "2023 Rosé 🍷", variant_title: "750ml", price: "24.00" })],
    });
    const result = built(buildSalesOrder(order, settings(), shop));
    expect(result.body.sendTo?.primeName).toBe("Zoë Ångström-Nguyễn");
    expect(result.body.sendTo?.address?.street1).toBe("1 Rue de l'Église");
    expect(result.lines[0].shopifyName).toBe("2023 Rosé 🍷 - 750ml");
  });

  it("refuses an order in another currency, plainly", () => {
    expect(problems(buildSalesOrder(sampleOrder({ currency: "USD" }), settings(), shop))).toEqual([
      "This order is in USD, but your vintrace prices are in AUD. Orders in other currencies are not sent; enter this one in vintrace by hand.",
    ]);
  });
});

describe("buildSalesOrder: lines", () => {
  it("names a line without a SKU", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: null, title: "Canvas Tote", variant_title: null })] });
    expect(problems(buildSalesOrder(order, settings(), shop))).toEqual([
      "Line 'Canvas Tote' has no SKU; vintrace needs its stock item code. Add the SKU in Shopify, or ignore lines without a SKU on the Products page.",
    ]);
  });

  it("reports every problem at once", () => {
    const order = sampleOrder({
      line_items: [sampleLineItem({ sku: "", title: "Canvas Tote", variant_title: null }), sampleLineItem({ sku: "  ", title: "Gift wrap", variant_title: null })],
    });
    expect(problems(buildSalesOrder(order, settings(), shop))).toHaveLength(2);
  });

  it("applies the ignore rules and records what it ignored", () => {
    const order = sampleOrder({
      line_items: [
        sampleLineItem({ sku: "21SHZ750" }),
        sampleLineItem({ sku: null, title: "Gift wrap", variant_title: null, price: "2.00" }),
        sampleLineItem({ sku: "GIFT-50", title: "Gift card", variant_title: "$50", gift_card: true, price: "50.00" }),
        sampleLineItem({ sku: "TOTE-NAT", title: "Canvas Tote", variant_title: null, price: "15.00" }),
      ],
    });
    const result = built(
      buildSalesOrder(order, settings({ ignore: { linesWithoutSku: true, giftCards: true, skus: ["TOTE-NAT"] } }), shop),
    );
    expect(result.body.salesOrderItems.map((i) => i.itemName)).toEqual(["21SHZ750"]);
    expect(result.ignoredLines).toEqual([
      { line: "Gift wrap", sku: null, reason: "no SKU" },
      { line: "Gift card - $50", sku: "GIFT-50", reason: "gift card" },
      { line: "Canvas Tote", sku: "TOTE-NAT", reason: "SKU 'TOTE-NAT' is on your ignore list" },
    ]);
  });

  it("refuses an order whose every line is ignored", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "GIFT-50", gift_card: true })] });
    const result = buildSalesOrder(order, settings({ ignore: { linesWithoutSku: false, giftCards: true, skus: [] } }), shop);
    expect(result).toMatchObject({ ok: false, noProductLines: true });
    expect(problems(result)).toEqual([
      "No product lines to send: your product rules leave out every product line of this order ('2021 Shiraz - 750ml' (gift card)), so it is not sent to vintrace, not even its shipping.",
    ]);
  });

  it("never sends shipping alone when every product line has no SKU and lines without a SKU are ignored", () => {
    const order = sampleOrder({
      line_items: [sampleLineItem({ sku: "", title: "Gift wrap", variant_title: null }), sampleLineItem({ sku: null, title: "Tasting fee", variant_title: null })],
    });
    const shippingAsStock = settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: "FREIGHT", ignore: { linesWithoutSku: true, giftCards: false, skus: [] } });
    const result = buildSalesOrder(order, shippingAsStock, shop);
    expect(result).toEqual({
      ok: false,
      noProductLines: true,
      problems: [
        "No product lines to send: your product rules leave out every product line of this order ('Gift wrap' (no SKU), 'Tasting fee' (no SKU)), so it is not sent to vintrace, not even its shipping.",
      ],
    });
  });

  it("says there are no product lines when the shipping line could not be sent either", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "TOTE-NAT" })] });
    const noShippingCode = settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: null, ignore: { linesWithoutSku: false, giftCards: false, skus: ["TOTE-NAT"] } });
    expect(buildSalesOrder(order, noShippingCode, shop)).toMatchObject({ ok: false, noProductLines: true });
    expect(buildSalesOrder(sampleOrder({ line_items: [] }), settings(), shop)).toMatchObject({
      ok: false,
      noProductLines: true,
      problems: ["No product lines to send: this order has no product lines, so it is not sent to vintrace, not even its shipping."],
    });
  });

  it("names ten of the lines left out, then counts the rest", () => {
    const lines = Array.from({ length: 12 }, (_, i) => sampleLineItem({ sku: null, title: `Extra ${i + 1}`, variant_title: null }));
    const [problem] = problems(buildSalesOrder(sampleOrder({ line_items: lines }), settings({ ignore: { linesWithoutSku: true, giftCards: false, skus: [] } }), shop));
    expect(problem).toContain("'Extra 10' (no SKU) and 2 more)");
    expect(problem).not.toContain("'Extra 11'");
  });

  it("sends a zero-price line as it is", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "TASTING", price: "0.00", quantity: 3 })] });
    expect(built(buildSalesOrder(order, settings(), shop)).body.salesOrderItems[0]).toEqual({
      itemName: "TASTING",
      quantity: 3,
      unitPrice: 0,
      externalReference: expect.stringMatching(/^gid:\/\/shopify\/LineItem\//),
    });
  });

  it("handles large quantities exactly", () => {
    const order = sampleOrder({
      line_items: [sampleLineItem({ quantity: 12000, price: "35.99", discount_allocations: [{ amount: "43188.00" }] })],
    });
    const item = built(buildSalesOrder(order, settings(), shop)).body.salesOrderItems[0];
    expect(item).toMatchObject({ quantity: 12000, unitPrice: 35.99, adjustment: 43188 });
  });

  it("maps a SKU to a vintrace code with a multiplier, dividing the price exactly", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "6PK-SHZ", title: "Shiraz 6-pack", variant_title: null, quantity: 2, price: "180.00" })] });
    const result = built(buildSalesOrder(order, settings({ skuMap: { "6PK-SHZ": { code: "21SHZ750", multiplier: 6 } } }), shop));
    expect(result.body.salesOrderItems[0]).toMatchObject({ itemName: "21SHZ750", quantity: 12, unitPrice: 30 });
    expect(result.body.salesOrderItems[0]).not.toHaveProperty("adjustment");
    expect(result.warnings).toEqual([]);
  });

  it("keeps the line total exact when the multiplier does not divide the price, and says so", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "6PK-SHZ", title: "Shiraz 6-pack", variant_title: null, quantity: 1, price: "100.00" })] });
    const result = built(buildSalesOrder(order, settings({ skuMap: { "6PK-SHZ": { code: "21SHZ750", multiplier: 6 } } }), shop));
    expect(result.body.salesOrderItems[0]).toMatchObject({ itemName: "21SHZ750", quantity: 6, unitPrice: 16.67, adjustment: 0.02 });
    expect(result.warnings).toEqual([
      "Line 'Shiraz 6-pack': the price per vintrace unit does not come out to a whole cent, so it is sent as 16.67 × 6 with the difference taken off as a discount; the line total stays 100.",
    ]);
  });

  it("refuses a multiplier that is not a whole number", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "HALF" })] });
    expect(problems(buildSalesOrder(order, settings({ skuMap: { HALF: { code: "21SHZ750", multiplier: 0.5 } } }), shop))[0]).toMatch(
      /whole number/,
    );
  });

  it("sends discounts as percentages for wineries with Xero on", () => {
    const items = built(buildSalesOrder(sampleOrder(), settings({ discountMode: "PERCENT" }), shop)).body.salesOrderItems;
    expect(items.map((i) => [i.discountPct, i.adjustment])).toEqual([
      [10, undefined],
      [10, undefined],
    ]);
  });

  it("finds the exact percentage for odd discounts", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ quantity: 3, price: "19.99", discount_allocations: [{ amount: "5.00" }] })] });
    const item = built(buildSalesOrder(order, settings({ discountMode: "PERCENT" }), shop)).body.salesOrderItems[0];
    // 5.00 / 59.97 is 8.3375…%; 59.97 × 8.34% = 5.0015, which rounds to exactly 5.00 off
    expect(item.discountPct).toBe(8.34);
  });
});

describe("buildSalesOrder: taxes", () => {
  const exclusiveOrder = () =>
    sampleOrder({
      taxes_included: false,
      line_items: [
        sampleLineItem({
          sku: "TEE-BLU-M",
          quantity: 2,
          price: "25.00",
          discount_allocations: [{ amount: "5.00" }],
          tax_lines: [{ title: "GST", rate: 0.06, price: "2.70" }],
        }),
      ],
    });

  it("sends Shopify's prices untouched when the tax policies agree", () => {
    const item = built(buildSalesOrder(exclusiveOrder(), settings({ taxPolicy: "EXCLUSIVE" }), shop)).body.salesOrderItems[0];
    expect(item).toMatchObject({ quantity: 2, unitPrice: 25, adjustment: 5 });
  });

  it("adds the line's tax when Shopify's prices exclude tax but the price list includes it", () => {
    const result = built(buildSalesOrder(exclusiveOrder(), settings({ taxPolicy: "INCLUSIVE" }), shop));
    // 25.00 × 1.06 = 26.50 a unit; net 45.00 + 2.70 tax = 47.70, so 53.00 − 5.30
    expect(result.body.salesOrderItems[0]).toMatchObject({ quantity: 2, unitPrice: 26.5, adjustment: 5.3 });
    expect(result.warnings).toEqual([]);
  });

  it("takes the line's tax out when Shopify's prices include tax but the price list excludes it", () => {
    const result = built(buildSalesOrder(sampleOrder(), settings({ taxPolicy: "EXCLUSIVE" }), shop));
    // 35.00 / 1.1 = 31.818… → 31.82; net 63.00 − 5.73 GST = 57.27, so 63.64 − 6.37
    expect(result.body.salesOrderItems[0]).toMatchObject({ quantity: 2, unitPrice: 31.82, adjustment: 6.37 });
    expect(result.warnings).toHaveLength(2);
  });

  it("sends an untaxed line unchanged whatever the policy", () => {
    const order = sampleOrder({ taxes_included: false, line_items: [sampleLineItem({ price: "10.00", taxable: false, tax_lines: [] })] });
    expect(built(buildSalesOrder(order, settings({ taxPolicy: "INCLUSIVE" }), shop)).body.salesOrderItems[0]).toMatchObject({ unitPrice: 10 });
  });
});

describe("buildSalesOrder: shipping", () => {
  it("leaves shipping out by default", () => {
    expect(built(buildSalesOrder(sampleOrder(), settings(), shop)).body.salesOrderItems).toHaveLength(2);
  });

  it("sends shipping as a stock item when asked", () => {
    const items = built(buildSalesOrder(sampleOrder(), settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: "FREIGHT" }), shop)).body
      .salesOrderItems;
    expect(items[2]).toEqual({ itemName: "FREIGHT", quantity: 1, unitPrice: 10, externalReference: "gid://shopify/ShippingLine/5012345678" });
  });

  it("skips free shipping", () => {
    const order = sampleOrder({ shipping_lines: [{ id: 1, title: "Free", price: "0.00", discount_allocations: [], tax_lines: [] }] });
    expect(built(buildSalesOrder(order, settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: "FREIGHT" }), shop)).body.salesOrderItems).toHaveLength(2);
  });

  it("sends shipping as a stock item next to a product line that is sent, however many lines are ignored", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ sku: "21SHZ750" }), sampleLineItem({ sku: null, title: "Gift wrap", variant_title: null })] });
    const result = built(
      buildSalesOrder(order, settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: "FREIGHT", ignore: { linesWithoutSku: true, giftCards: false, skus: [] } }), shop),
    );
    expect(result.body.salesOrderItems.map((i) => i.itemName)).toEqual(["21SHZ750", "FREIGHT"]);
  });

  it("asks for the shipping stock code when it is missing", () => {
    expect(problems(buildSalesOrder(sampleOrder(), settings({ shippingPolicy: "STOCK_CODE", shippingStockCode: "" }), shop))).toEqual([
      "Shipping is set to be sent as a stock item, but no shipping stock code is set. Add it in Settings.",
    ]);
  });
});

describe("buildSalesOrder: bad money", () => {
  it("refuses a price with more decimals than the currency has", () => {
    const order = sampleOrder({ line_items: [sampleLineItem({ price: "35.005" })] });
    expect(problems(buildSalesOrder(order, settings(), shop))[0]).toBe("Line '2021 Shiraz - 750ml': its price '35.005' has more than 2 decimal places.");
  });
});
