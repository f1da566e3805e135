import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  confirmMissing,
  matchProducts,
  sameName,
  shopifyName,
  type MatchProductsInput,
  type ShopifyVariant,
  type SkuMapping,
  type VintraceStockItem,
} from "./match";

function variant(overrides: Partial<ShopifyVariant> & { id: string }): ShopifyVariant {
  return { sku: null, productTitle: "Shiraz 2021", variantTitle: "Default Title", price: "30.00", ...overrides };
}

function input(overrides: Partial<MatchProductsInput>): MatchProductsInput {
  return { variants: [], stockItems: [], skuMap: {}, ignoredSkus: [], ...overrides };
}

describe("shopifyName", () => {
  it("joins product and variant with an en dash", () => {
    expect(shopifyName({ productTitle: "Shiraz 2021", variantTitle: "Magnum" })).toBe("Shiraz 2021 – Magnum");
  });
  it.each([null, "Default Title", "", "  "])("uses the product alone when the variant is %j", (variantTitle) => {
    expect(shopifyName({ productTitle: "Shiraz 2021", variantTitle })).toBe("Shiraz 2021");
  });
});

describe("sameName", () => {
  it.each([
    ["Shiraz 2021 – Magnum", "shiraz 2021 - magnum"],
    ["Shiraz 2021 — Magnum", "Shiraz  2021\u00A0-\tMagnum"],
    ["Shiraz-2021", "Shiraz – 2021"],
    ["  Riesling ", "RIESLING"],
    ["Pinot Noir − 750ml", "Pinot Noir ‐ 750ml"],
  ])("treats %j and %j as the same", (a, b) => {
    expect(sameName(a, b)).toBe(true);
  });
  it.each([
    ["Shiraz 2021", "Shiraz 2022"],
    ["Shiraz 2021 – Magnum", "Shiraz 2021 Magnum"],
    ["Rosé", "Rose"],
  ])("treats %j and %j as different", (a, b) => {
    expect(sameName(a, b)).toBe(false);
  });
});

describe("matchProducts statuses", () => {
  it("matches on the code alone and reports name and price differences as warnings", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "SHZ21", variantTitle: "Magnum", price: "59.00" })],
        stockItems: [{ code: "SHZ21", description: "Shiraz 2021 1.5L", price: 55 }],
      }),
    );
    expect(rows).toEqual([
      {
        variantId: "v1",
        sku: "SHZ21",
        shopifyName: "Shiraz 2021 – Magnum",
        vintraceCode: "SHZ21",
        vintraceName: "Shiraz 2021 1.5L",
        shopifyPrice: "59.00",
        vintracePrice: 55,
        status: "MATCHED",
        warnings: ["NAME_DIFFERS", "PRICE_DIFFERS"],
        nameDiff: [
          { kind: "both", text: "Shiraz" },
          { kind: "both", text: "2021" },
          { kind: "shopifyOnly", text: "–" },
          { kind: "shopifyOnly", text: "Magnum" },
          { kind: "vintraceOnly", text: "1.5L" },
        ],
        needsConfirmation: false,
      },
    ]);
  });

  it("has no warnings when the normalised name and the price in cents agree", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "RSL", productTitle: "Riesling", variantTitle: "750ml", price: "24.9" })],
        stockItems: [{ code: "RSL", description: "RIESLING - 750ML", price: 24.9 }],
      }),
    );
    expect(rows[0]).toMatchObject({ status: "MATCHED", warnings: [] });
    expect(rows[0].nameDiff).toBeUndefined();
  });

  it("says the price is not checkable when /inventory has none", () => {
    const { rows } = matchProducts(
      input({ variants: [variant({ id: "v1", sku: "A" })], stockItems: [{ code: "A", description: "Shiraz 2021", price: null }] }),
    );
    expect(rows[0]).toMatchObject({ status: "MATCHED", warnings: ["PRICE_NOT_CHECKABLE"] });
    expect(rows[0]).not.toHaveProperty("vintracePrice");
  });

  it("does not warn about a name vintrace does not have", () => {
    const { rows } = matchProducts(
      input({ variants: [variant({ id: "v1", sku: "A" })], stockItems: [{ code: "A", description: null, price: 30 }] }),
    );
    expect(rows[0]).toMatchObject({ status: "MATCHED", warnings: [] });
    expect(rows[0]).not.toHaveProperty("vintraceName");
  });

  it("reports a code absent from /inventory as a candidate to confirm", () => {
    const result = matchProducts(
      input({ variants: [variant({ id: "v1", sku: "GONE" }), variant({ id: "v2", sku: "GONE" }), variant({ id: "v3", sku: "ALSO" })] }),
    );
    expect(result.rows.map((r) => [r.status, r.needsConfirmation, r.vintraceCode])).toEqual([
      ["MISSING_IN_VINTRACE", true, "GONE"],
      ["MISSING_IN_VINTRACE", true, "GONE"],
      ["MISSING_IN_VINTRACE", true, "ALSO"],
    ]);
    expect(result.codesToConfirm).toEqual(["GONE", "ALSO"]);
    expect(result.summary).toMatchObject({ missingInVintrace: 3, needsConfirmation: 3 });
  });

  it("flags variants without a SKU, including blank ones", () => {
    const { rows } = matchProducts(input({ variants: [variant({ id: "v1", sku: null }), variant({ id: "v2", sku: "  " })] }));
    expect(rows.map((r) => r.status)).toEqual(["NO_SKU", "NO_SKU"]);
    expect(rows[1].sku).toBe("  ");
  });

  it("ignores listed SKUs before the map or the stock list is consulted", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "GIFT" })],
        stockItems: [{ code: "GIFT", description: null, price: null }],
        skuMap: { GIFT: { code: "X", multiplier: 1 } },
        ignoredSkus: ["GIFT"],
      }),
    );
    expect(rows[0]).toMatchObject({ status: "IGNORED", warnings: [], needsConfirmation: false });
    expect(rows[0]).not.toHaveProperty("vintraceCode");
  });

  it("matches codes exactly after trimming spaces, not case-insensitively", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: " abc " }), variant({ id: "v2", sku: "ABC" })],
        stockItems: [{ code: "ABC ", description: null, price: null }],
      }),
    );
    expect(rows.map((r) => r.status)).toEqual(["MISSING_IN_VINTRACE", "MATCHED"]);
  });

  it("is not fooled by SKUs named like Object.prototype members", () => {
    const { rows } = matchProducts(input({ variants: [variant({ id: "v1", sku: "constructor" }), variant({ id: "v2", sku: "__proto__" })] }));
    expect(rows.map((r) => [r.status, r.vintraceCode])).toEqual([
      ["MISSING_IN_VINTRACE", "constructor"],
      ["MISSING_IN_VINTRACE", "__proto__"],
    ]);
  });

  it("merges /inventory rows for the same code from several locations", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "A", price: "30.00" })],
        stockItems: [
          { code: "A", description: null, price: null },
          { code: "A", description: "Shiraz 2021", price: null },
          { code: "A", description: "Other", price: 30 },
        ],
      }),
    );
    expect(rows[0]).toMatchObject({ vintraceName: "Shiraz 2021", vintracePrice: 30, warnings: [] });
  });
});

describe("matchProducts with the SKU map", () => {
  const stockItems: VintraceStockItem[] = [{ code: "SHZ21-x1", description: "Shiraz 2021", price: 9.99 }];

  it("matches a mapped SKU against its code and compares the price per unit", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "SHZ21-6PK", variantTitle: "6-pack", price: "59.94" })],
        stockItems,
        skuMap: { "SHZ21-6PK": { code: "SHZ21-x1", multiplier: 6 } },
      }),
    );
    expect(rows[0]).toMatchObject({ status: "MATCHED", vintraceCode: "SHZ21-x1", multiplier: 6, warnings: ["NAME_DIFFERS"] });
  });

  it("warns when the per-unit price differs by a cent", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "SHZ21-6PK", price: "59.95" })],
        stockItems,
        skuMap: { "SHZ21-6PK": { code: "SHZ21-x1", multiplier: 6 } },
      }),
    );
    expect(rows[0].warnings).toEqual(["PRICE_DIFFERS"]);
  });

  it("compares exactly when the per-unit price has fractions of a cent", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "PK", price: "9.99" }), variant({ id: "v2", sku: "PK2", price: "10.00" })],
        stockItems: [{ code: "UNIT", description: "Shiraz 2021", price: 1.665 }],
        skuMap: { PK: { code: "UNIT", multiplier: 6 }, PK2: { code: "UNIT", multiplier: 6 } },
      }),
    );
    expect(rows.map((r) => r.warnings)).toEqual([[], ["PRICE_DIFFERS"]]);
  });

  it("ignores binary noise in a price vintrace computed", () => {
    const { rows } = matchProducts(
      input({
        variants: [variant({ id: "v1", sku: "A", productTitle: "Wine", price: "0.30" }), variant({ id: "v2", sku: "B", productTitle: "Wine", price: "47.23" })],
        stockItems: [
          { code: "A", description: "Wine", price: 0.1 + 0.2 },
          { code: "B", description: "Wine", price: 15 + 32.23 },
        ],
      }),
    );
    expect(rows.map((r) => r.warnings)).toEqual([[], []]);
  });

  it("reports a mapped code absent from /inventory under the mapped code", () => {
    const result = matchProducts(input({ variants: [variant({ id: "v1", sku: "PK" })], skuMap: { PK: { code: "NOPE", multiplier: 2 } } }));
    expect(result.codesToConfirm).toEqual(["NOPE"]);
  });

  it("cannot check the price against a nonsensical multiplier", () => {
    const { rows } = matchProducts(
      input({ variants: [variant({ id: "v1", sku: "PK", price: "0.00" })], stockItems, skuMap: { PK: { code: "SHZ21-x1", multiplier: 0 } } }),
    );
    expect(rows[0].warnings).toEqual(["PRICE_NOT_CHECKABLE"]);
  });

  it("cannot check a Shopify price that is not a decimal", () => {
    const { rows } = matchProducts(input({ variants: [variant({ id: "v1", sku: "SHZ21-x1", price: "abc" })], stockItems }));
    expect(rows[0].warnings).toEqual(["PRICE_NOT_CHECKABLE"]);
  });
});

describe("confirmMissing", () => {
  it("upgrades codes an exact lookup found and confirms the rest missing", () => {
    const first = matchProducts(
      input({
        variants: [
          variant({ id: "v1", sku: "OUT-OF-STOCK", price: "30.00" }),
          variant({ id: "v2", sku: "PK" }),
          variant({ id: "v3", sku: "GONE" }),
        ],
        skuMap: { PK: { code: "UNIT", multiplier: 6 } },
      }),
    );
    expect(first.codesToConfirm).toEqual(["OUT-OF-STOCK", "UNIT", "GONE"]);
    const confirmed = confirmMissing(first, [
      { code: "OUT-OF-STOCK", description: "Shiraz 2021" },
      { code: "UNIT", description: "Shiraz 2021 x1" },
    ]);
    expect(confirmed.rows.map((r) => [r.status, r.warnings, r.needsConfirmation])).toEqual([
      ["MATCHED", ["PRICE_NOT_CHECKABLE"], false],
      ["MATCHED", ["NAME_DIFFERS", "PRICE_NOT_CHECKABLE"], false],
      ["MISSING_IN_VINTRACE", [], false],
    ]);
    expect(confirmed.rows[1]).toMatchObject({ vintraceCode: "UNIT", multiplier: 6, vintraceName: "Shiraz 2021 x1" });
    expect(confirmed.codesToConfirm).toEqual([]);
    expect(confirmed.summary).toMatchObject({ matched: 2, missingInVintrace: 1, needsConfirmation: 0, priceNotCheckable: 2 });
  });
});

describe("matchProducts summary and properties", () => {
  const skuArb = fc.option(fc.constantFrom("A", "B", "C", "D", "E", " ", "constructor"), { nil: null });
  const priceArb = fc.integer({ min: 0, max: 100_000 }).map((cents) => (cents / 100).toFixed(2));
  const inputArb = fc.record({
    variants: fc.array(
      fc.record({
        id: fc.uuid(),
        sku: skuArb,
        productTitle: fc.constantFrom("Shiraz", "Riesling"),
        variantTitle: fc.option(fc.constantFrom("Default Title", "Magnum"), { nil: null }),
        price: priceArb,
      }),
      { maxLength: 30 },
    ),
    stockItems: fc.array(
      fc.record({
        code: fc.constantFrom("A", "B", "U"),
        description: fc.option(fc.constantFrom("Shiraz", "SHIRAZ – magnum", "Riesling"), { nil: null }),
        price: fc.option(fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100), { nil: null }),
      }),
      { maxLength: 10 },
    ),
    skuMap: fc.constantFrom<Record<string, SkuMapping>>({}, { C: { code: "U", multiplier: 6 } }),
    ignoredSkus: fc.constantFrom<string[]>([], ["D"]),
  });

  it("has one row per variant, in order, and a summary that adds up", () => {
    fc.assert(
      fc.property(inputArb, (data) => {
        const { rows, summary, codesToConfirm } = matchProducts(data);
        expect(rows.map((r) => r.variantId)).toEqual(data.variants.map((v) => v.id));
        expect(summary.matched + summary.missingInVintrace + summary.noSku + summary.ignored).toBe(summary.total);
        expect(summary.total).toBe(data.variants.length);
        for (const row of rows) {
          expect(row.needsConfirmation).toBe(row.status === "MISSING_IN_VINTRACE");
          if (row.status !== "MATCHED") expect(row.warnings).toEqual([]);
          expect(row.warnings.includes("NAME_DIFFERS")).toBe(row.nameDiff !== undefined);
          expect(row.warnings.includes("PRICE_NOT_CHECKABLE") && row.warnings.includes("PRICE_DIFFERS")).toBe(false);
        }
        expect(new Set(codesToConfirm).size).toBe(codesToConfirm.length);
      }),
    );
  });

  it("has a name diff whose two sides rebuild the two names", () => {
    const words = fc.array(fc.constantFrom("Shiraz", "shiraz", "2021", "–", "-", "Magnum", "x1", "Reserve"), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(words, words, (a, b) => {
        const shopify = a.join(" ");
        const vintrace = b.join(" ");
        const { rows } = matchProducts(
          input({
            variants: [variant({ id: "v", sku: "A", productTitle: shopify, variantTitle: null })],
            stockItems: [{ code: "A", description: vintrace, price: null }],
          }),
        );
        const diff = rows[0].nameDiff;
        if (!diff) {
          expect(sameName(shopify, vintrace)).toBe(true);
          return;
        }
        expect(diff.filter((p) => p.kind !== "vintraceOnly").map((p) => p.text)).toEqual(a);
        // A word on both sides is shown as Shopify spells it; vintrace's may differ in case or dash.
        const vintraceSide = diff.filter((p) => p.kind !== "shopifyOnly").map((p) => p.text);
        expect(vintraceSide).toHaveLength(b.length);
        expect(sameName(vintraceSide.join(" "), vintrace)).toBe(true);
      }),
    );
  });
});

describe("matchProducts at scale", () => {
  it("matches 10,000 variants against 10,000 stock items quickly", () => {
    const stockItems = Array.from({ length: 10_000 }, (_, i) => ({ code: `C${i}`, description: `Wine ${i}`, price: 10 + (i % 50) }));
    const variants = Array.from({ length: 10_000 }, (_, i) =>
      variant({ id: `v${i}`, sku: `C${i + 500}`, productTitle: `Wine ${i + 500}`, variantTitle: null, price: `${10 + ((i + 500) % 50)}.00` }),
    );
    const started = performance.now();
    const { summary } = matchProducts(input({ variants, stockItems }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(summary).toMatchObject({ matched: 9_500, missingInVintrace: 500, nameDiffers: 0, priceDiffers: 0 });
  });
});
