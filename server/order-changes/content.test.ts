import { describe, expect, it } from "vitest";
import { canonicalMoney, contentHash, diffContent, orderContent, readContent } from "@/server/order-changes/content";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";

const SHOP = "content-test.myshopify.com";
const order = () =>
  buildOrderPayload({
    shop: SHOP,
    lines: [
      { sku: "TEST-SHZ", qty: 2, price: "32.00", title: "Shiraz 2021" },
      { sku: "TEST-RSL", qty: 1, price: "24.50", title: "Riesling 2022" },
    ],
    discountPercent: 10,
  });
const hashOf = (payload: unknown) => contentHash(orderContent(payload)!);

describe("an order's content", () => {
  it("is the same whatever does not reach vintrace: tags, notes, fulfilment, updated_at, ids, the order of lines", () => {
    const placed = order();
    const touched = {
      ...placed,
      tags: "vintrace-order-created",
      note: "leave at the door",
      fulfillment_status: "fulfilled",
      updated_at: "2026-12-01T00:00:00Z",
      line_items: [...placed.line_items].reverse().map((l) => ({ ...l, id: l.id + 1 })),
    };
    expect(hashOf(touched)).toBe(hashOf(placed));
  });

  it("is the same for the webhook's body and the Admin API's rewrite of it (money to one decimal, empty lines null, codes alone)", () => {
    const placed = order();
    const rebuilt = {
      ...placed,
      line_items: placed.line_items.map((l) => ({ ...l, price: l.price.replace(/0$/, ""), discount_allocations: l.discount_allocations.map((d) => ({ ...d, amount: Number(d.amount) })) })),
      shipping_lines: placed.shipping_lines.map((s) => ({ ...s, price: "10.0" })),
      discount_codes: placed.discount_codes.map((d) => ({ code: d.code.toLowerCase() })),
      shipping_address: { ...placed.shipping_address!, address2: null },
      email: "JANE@example.com",
    };
    expect(hashOf(rebuilt)).toBe(hashOf(placed));
  });

  it("changes with a quantity (current_quantity counts), a price, a discount, shipping, the customer or the address", () => {
    const placed = order();
    const base = hashOf(placed);
    const lines = (change: (l: (typeof placed.line_items)[number]) => object) => ({ ...placed, line_items: placed.line_items.map((l, i) => (i === 0 ? { ...l, ...change(l) } : l)) });
    expect(hashOf(lines(() => ({ current_quantity: 1 })))).not.toBe(base);
    expect(hashOf(lines(() => ({ price: "30.00" })))).not.toBe(base);
    expect(hashOf(lines(() => ({ discount_allocations: [] })))).not.toBe(base);
    expect(hashOf({ ...placed, shipping_lines: [{ ...placed.shipping_lines[0], title: "Express" }] })).not.toBe(base);
    expect(hashOf({ ...placed, customer: { ...placed.customer!, last_name: "Smith" } })).not.toBe(base);
    expect(hashOf({ ...placed, shipping_address: { ...placed.shipping_address!, address1: "1 Other St" } })).not.toBe(base);
  });

  it("takes the billing address when there is no shipping address, and is null for a body that is not an order", () => {
    const placed = order();
    expect(orderContent({ ...placed, shipping_address: null })!.address).toMatchObject({ address1: "12 Cellar Door Rd", name: "Jane Citizen" });
    expect(orderContent({ id: 1, name: "#1" })).toBeNull();
    expect(orderContent({ ...placed, line_items: [{ ...placed.line_items[0], price: "lots" }] })).toBeNull();
  });

  it("survives being stored: read back with its keys in another order (as jsonb keeps them) it is the same, and other shapes read as none", () => {
    const content = orderContent(order())!;
    const reordered = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reordered) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) : value;
    const stored = readContent(reordered(content))!;
    expect(stored).toEqual(content);
    expect(diffContent(stored, content)).toBeNull();
    expect(contentHash(stored)).toBe(contentHash(content));
    expect(readContent({ lines: "no" })).toBeNull();
    expect(readContent(null)).toBeNull();
  });

  it("writes money one way", () => {
    expect(["35", "35.0", "35.00", "35.000"].map(canonicalMoney)).toEqual(["35.00", "35.00", "35.00", "35.00"]);
    expect(["3.125", "35.10", "-2.5"].map(canonicalMoney)).toEqual(["3.125", "35.10", "-2.50"]);
  });
});

describe("what differs from what was sent", () => {
  it("names the lines added, removed and changed (by key), and the other fields, and nothing that is the same", () => {
    const placed = order();
    const sent = orderContent(placed)!;
    const edited = {
      ...placed,
      line_items: [
        { ...placed.line_items[0], current_quantity: 3 },
        { ...placed.line_items[1], current_quantity: 0 },
        { ...placed.line_items[1], id: 9, sku: "TEST-ROSE", title: "Rosé 2024", name: "Rosé 2024", quantity: 1, current_quantity: 1, price: "20.00", discount_allocations: [] },
      ],
      shipping_lines: [{ ...placed.shipping_lines[0], price: "15.00" }],
    };
    const diff = diffContent(sent, orderContent(edited)!);
    expect(diff).toEqual({
      kind: "EDITED",
      lines: [
        { key: "TEST-ROSE", sku: "TEST-ROSE", title: "Rosé 2024", sent: null, now: { quantity: 1, unitPrice: "20.00", discount: "0.00" } },
        { key: "TEST-RSL", sku: "TEST-RSL", title: "Riesling 2022", sent: { quantity: 1, unitPrice: "24.50", discount: "2.45" }, now: null },
        { key: "TEST-SHZ", sku: "TEST-SHZ", title: "Shiraz 2021", sent: { quantity: 2, unitPrice: "32.00", discount: "6.40" }, now: { quantity: 3, unitPrice: "32.00", discount: "6.40" } },
      ],
      other: [{ field: "Shipping", sent: "Standard 10.00", now: "Standard 15.00" }],
    });
    expect(diffContent(sent, orderContent({ ...placed, tags: "x" })!)).toBeNull();
  });
});
