import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orderTags, parseShopifyOrder, shopifyOrderId, type ShopifyOrder } from "@/server/shopify/order";
import { buildSalesOrder, type SalesOrderSettings } from "@/server/sync/build-sales-order";
import { startSimulatedShopify, type SimulatedShopify } from "@/simulators/shopify/testing";

const settings: SalesOrderSettings = {
  customerName: "Shopify Web Customer",
  salesPriceList: "Retail",
  storageAreaId: null,
  taxPolicy: "INCLUSIVE",
  discountMode: "PERCENT",
  currency: "AUD",
  shippingPolicy: "STOCK_CODE",
  shippingStockCode: "FREIGHT",
  skuMap: { "21SHZ750": { code: "21SHZ750-x1", multiplier: 1 } },
  ignore: { linesWithoutSku: true, giftCards: true, skus: [] },
};

function parsed(raw: unknown): ShopifyOrder {
  const result = parseShopifyOrder(raw);
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.order;
}

describe("one order, from a webhook or from the Admin API", () => {
  let s: SimulatedShopify;
  beforeAll(async () => {
    s = await startSimulatedShopify();
  });
  afterAll(() => s.sim.close());
  beforeEach(() => s.sim.reset());

  it.each([
    ["hilltop-estate.myshopify.com", "INCLUSIVE" as const],
    ["river-bend.myshopify.com", "EXCLUSIVE" as const],
  ])("sends an order fetched from %s exactly as its webhook would be sent", async (shop, taxPolicy) => {
    const catalogSku = shop.startsWith("hilltop") ? "21SHZ750" : "RB-SB-23";
    const created = await s.sim.createOrder({
      shop,
      lines: [
        { sku: catalogSku, qty: 3 },
        { sku: "ODD", qty: 7, price: "0.99", title: "Tasting glass" },
        { sku: "", qty: 1, price: "5.50", title: "Gift wrap" },
        { sku: "VOUCHER", qty: 1, price: "50.00", title: "Gift card", giftCard: true },
      ],
      discountPercent: 15,
    });
    const fetched = await s.adminFor(shop).fetchOrderPayload(created.gid);
    expect(fetched).not.toBeNull();

    const fromWebhook = parsed(JSON.parse(JSON.stringify(created.payload)));
    const fromAdmin = parsed(JSON.parse(JSON.stringify(fetched)));
    expect(shopifyOrderId(fromAdmin)).toBe(shopifyOrderId(fromWebhook));
    for (const policy of [taxPolicy, taxPolicy === "INCLUSIVE" ? ("EXCLUSIVE" as const) : ("INCLUSIVE" as const)]) {
      const sent = buildSalesOrder(fromAdmin, { ...settings, taxPolicy: policy }, shop);
      expect(sent.ok).toBe(true);
      expect(sent).toEqual(buildSalesOrder(fromWebhook, { ...settings, taxPolicy: policy }, shop));
    }
    // GraphQL writes 10.00 as "10.0"; the rebuilt payload has the webhook's two decimals again
    expect(fetched?.shipping_lines?.[0].price).toBe("10.00");
    expect(fetched?.total_line_items_price).toBe(created.payload.total_line_items_price);
  });
});

describe("the order payload", () => {
  it("lists the tags the webhook writes comma-separated", () => {
    expect(orderTags({ tags: "gift, wholesale ,, vintrace-order-error" })).toEqual(["gift", "wholesale", "vintrace-order-error"]);
    expect(orderTags({ tags: "" })).toEqual([]);
    expect(orderTags({})).toEqual([]);
  });

  it("passes the fields the sync does not read through unchecked, as Shopify wrote them", () => {
    const raw = {
      id: 1,
      name: "#1001",
      created_at: "2026-10-05T11:14:01+10:00",
      currency: "AUD",
      line_items: [],
      tags: ["not", "a", "string"],
      billing_address: "somewhere",
      confirmation_number: "X1",
    };
    const result = parseShopifyOrder(raw);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.order).toMatchObject({ tags: ["not", "a", "string"], billing_address: "somewhere", confirmation_number: "X1" });
  });

  it("names each checked field that is missing or malformed", () => {
    const result = parseShopifyOrder({ id: 1, name: "#1001", created_at: "yesterday", currency: "AUD", line_items: [{ id: 2, quantity: 1.5, price: "1.00" }] });
    expect(result).toEqual({
      ok: false,
      problems: ["Shopify order field 'created_at': is not a date", expect.stringMatching(/^Shopify order field 'line_items\.0\.quantity': /)],
    });
  });
});
