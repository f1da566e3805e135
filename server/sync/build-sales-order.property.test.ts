// Property: whatever the order, the amounts vintrace will compute from what we send equal Shopify's, to the cent.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatScaled, parseMoney, parseScaled, roundDiv } from "@/server/money";
import { buildSalesOrder, type SalesOrderSettings } from "./build-sales-order";
import { sampleLineItem, sampleOrder } from "../../test/support/fixtures";
import { vintraceLineNet } from "./line-pricing";

const cents = (value: number | undefined): bigint => {
  if (value === undefined) return 0n;
  const parsed = parseMoney(value, "AUD");
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

const percent = (value: number | undefined) => {
  if (value === undefined) return null;
  const scale = (String(value).split(".")[1] ?? "").length;
  const parsed = parseScaled(value, scale);
  if (!parsed.ok) throw new Error(parsed.message);
  return { value: parsed.value, scale };
};

const lineArbitrary = fc
  .record({
    quantity: fc.integer({ min: 1, max: 500 }),
    priceCents: fc.bigInt({ min: 0n, max: 500_000n }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    multiplier: fc.constantFrom(1, 1, 2, 3, 6, 7, 12),
    taxed: fc.boolean(),
  })
;

describe("buildSalesOrder preserves Shopify's money to the cent", () => {
  it("net line amounts, discounts and the goods total", () => {
    fc.assert(
      fc.property(
        fc.array(lineArbitrary, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom("INCLUSIVE" as const, "EXCLUSIVE" as const),
        fc.constantFrom("ADJUSTMENT" as const, "PERCENT" as const),
        (lines, taxesIncluded, taxPolicy, discountMode) => {
          const skuMap: SalesOrderSettings["skuMap"] = {};
          const expectedNets: bigint[] = [];
          const shopifyNets: bigint[] = [];
          const allocations: bigint[] = [];
          const lineItems = lines.map((line, index) => {
            const gross = BigInt(line.quantity) * line.priceCents;
            const discount = (gross * BigInt(line.discountShare)) / 100n;
            const net = gross - discount;
            // GST at 10%, computed the way Shopify does: on the discounted amount, rounded to the cent.
            const tax = !line.taxed ? 0n : taxesIncluded ? roundDiv(net, 11n) : roundDiv(net, 10n);
            const sku = `SKU-${index}`;
            if (line.multiplier !== 1) skuMap[sku] = { code: `CODE-${index}`, multiplier: line.multiplier };
            const converted = taxesIncluded === (taxPolicy === "INCLUSIVE") ? net : taxesIncluded ? net - tax : net + tax;
            expectedNets.push(converted);
            shopifyNets.push(net);
            allocations.push(discount);
            return sampleLineItem({
              sku,
              quantity: line.quantity,
              price: formatScaled(line.priceCents, 2),
              discount_allocations: discount > 0n ? [{ amount: formatScaled(discount, 2) }] : [],
              tax_lines: line.taxed ? [{ title: "GST", rate: 0.1, price: formatScaled(tax, 2) }] : [],
            });
          });
          const order = sampleOrder({ taxes_included: taxesIncluded, line_items: lineItems });
          const settings: SalesOrderSettings = {
            customerName: "Shopify Web Customer",
            salesPriceList: "Retail",
            storageAreaId: null,
            taxPolicy,
            discountMode,
            currency: "AUD",
            shippingPolicy: "OMIT",
            shippingStockCode: null,
            skuMap,
            ignore: { linesWithoutSku: false, giftCards: false, skus: [] },
          };
          const result = buildSalesOrder(order, settings, "shop.myshopify.com");
          if (!result.ok) throw new Error(result.problems.join("; "));

          // The JSON we send, read back the way vintrace reads it.
          const sent = JSON.parse(JSON.stringify(result.body)) as typeof result.body;
          const sentNets = sent.salesOrderItems.map((item, index) => {
            expect(Number.isInteger(item.quantity)).toBe(true);
            expect(item.quantity).toBe(lines[index].quantity * lines[index].multiplier);
            return vintraceLineNet(BigInt(item.quantity), cents(item.unitPrice), {
              adjustment: cents(item.adjustment),
              discountPct: percent(item.discountPct),
            });
          });
          expect(sentNets).toEqual(expectedNets);

          const sameTaxPolicy = taxesIncluded === (taxPolicy === "INCLUSIVE");
          if (sameTaxPolicy) {
            const goods = shopifyNets.reduce((a, b) => a + b, 0n);
            expect(sentNets.reduce((a, b) => a + b, 0n)).toBe(goods);
          }
          sent.salesOrderItems.forEach((item, index) => {
            const exactSplit = lines[index].multiplier === 1 || lines[index].priceCents % BigInt(lines[index].multiplier) === 0n;
            if (sameTaxPolicy && exactSplit && discountMode === "ADJUSTMENT") {
              expect(cents(item.adjustment)).toBe(allocations[index]);
              expect(cents(item.unitPrice) * BigInt(lines[index].multiplier)).toBe(lines[index].priceCents);
            }
            expect(cents(item.adjustment)).toBeGreaterThanOrEqual(0n);
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});

const lineKind = fc.constantFrom("sent" as const, "noSku" as const, "giftCard" as const, "ignoredSku" as const, "zeroQuantity" as const);

describe("buildSalesOrder never sends shipping alone", () => {
  it("sends a sales order only with a product line in it, and otherwise says there is none", () => {
    fc.assert(
      fc.property(
        fc.array(lineKind, { maxLength: 6 }),
        fc.bigInt({ min: 0n, max: 5_000n }),
        fc.constantFrom("OMIT" as const, "STOCK_CODE" as const),
        (kinds, shippingCents, shippingPolicy) => {
          const lineItems = kinds.map((kind, index) =>
            sampleLineItem({
              sku: kind === "noSku" ? "" : kind === "ignoredSku" ? "IGNORED" : `SKU-${index}`,
              gift_card: kind === "giftCard",
              quantity: kind === "zeroQuantity" ? 0 : 1,
            }),
          );
          const shipping = formatScaled(shippingCents, 2);
          const order = sampleOrder({
            line_items: lineItems,
            shipping_lines: [{ id: 1, title: "Standard", price: shipping, discounted_price: shipping, discount_allocations: [], tax_lines: [] }],
          });
          const settings: SalesOrderSettings = {
            customerName: "Shopify Web Customer",
            salesPriceList: "Retail",
            storageAreaId: null,
            taxPolicy: "INCLUSIVE",
            discountMode: "ADJUSTMENT",
            currency: "AUD",
            shippingPolicy,
            shippingStockCode: "FREIGHT",
            skuMap: {},
            ignore: { linesWithoutSku: true, giftCards: true, skus: ["IGNORED"] },
          };
          const result = buildSalesOrder(order, settings, "shop.myshopify.com");
          const productLinesSent = kinds.filter((kind) => kind === "sent").length;
          if (result.ok) {
            expect(result.body.salesOrderItems.filter((item) => item.itemName !== "FREIGHT")).toHaveLength(productLinesSent);
            expect(productLinesSent).toBeGreaterThan(0);
          } else {
            expect(result.noProductLines).toBe(true);
            expect(productLinesSent).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
