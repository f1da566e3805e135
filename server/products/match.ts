// The Products page: every Shopify variant against vintrace's stock items. Only the stock code has to match for a sales
// order to go through; a different name or price is shown as a warning. A code absent from `/inventory` is only a
// candidate: `/inventory` lists available stock, so the caller confirms each one with an exact `/stock/lookup` (see
// `codesToConfirm` and `confirmMissing`) before calling it missing.

import "server-only";
import { decimalFromNumber, multiplyDecimals, parseDecimal, sameDecimal } from "@/server/money";

export interface ShopifyVariant {
  id: string;
  sku: string | null;
  productTitle: string;
  variantTitle: string | null;
  /** Shopify's decimal string, e.g. "24.90". */
  price: string;
}

export interface VintraceStockItem {
  code: string;
  description: string | null;
  /** `/inventory`'s price for one stock unit; often null. */
  price: number | null;
}

export interface SkuMapping {
  code: string;
  /** Stock units per Shopify unit: 6 for a 6-pack sold against an `x1` stock item. */
  multiplier: number;
}

export interface MatchProductsInput {
  variants: readonly ShopifyVariant[];
  stockItems: readonly VintraceStockItem[];
  skuMap: Readonly<Record<string, SkuMapping>>;
  ignoredSkus: readonly string[];
}

export type MatchStatus = "MATCHED" | "MISSING_IN_VINTRACE" | "NO_SKU" | "IGNORED";
export type MatchWarning = "NAME_DIFFERS" | "PRICE_DIFFERS" | "PRICE_NOT_CHECKABLE";

/** One word of a name diff, read from the Shopify name towards the vintrace name. A word on both sides is given as
 * Shopify spells it. */
export interface NameDiffPart {
  kind: "both" | "shopifyOnly" | "vintraceOnly";
  text: string;
}

export interface ProductMatchRow {
  variantId: string;
  sku: string | null;
  shopifyName: string;
  vintraceCode?: string;
  vintraceName?: string;
  shopifyPrice: string;
  vintracePrice?: number;
  /** Present when the SKU goes through the SKU map. */
  multiplier?: number;
  status: MatchStatus;
  warnings: MatchWarning[];
  nameDiff?: NameDiffPart[];
  /** A MISSING_IN_VINTRACE row whose code has not yet been looked up exactly. */
  needsConfirmation: boolean;
}

export interface ProductMatchSummary {
  total: number;
  matched: number;
  missingInVintrace: number;
  noSku: number;
  ignored: number;
  nameDiffers: number;
  priceDiffers: number;
  priceNotCheckable: number;
  needsConfirmation: number;
}

export interface ProductMatchResult {
  rows: ProductMatchRow[];
  summary: ProductMatchSummary;
  /** Distinct codes to confirm with an exact `/stock/lookup` before they are reported missing. */
  codesToConfirm: string[];
}

/** What an exact `/stock/lookup?code=` found: its `code` equals the requested code exactly. */
export interface ConfirmedStockItem {
  code: string;
  description: string | null;
}

export function matchProducts({ variants, stockItems, skuMap, ignoredSkus }: MatchProductsInput): ProductMatchResult {
  const stockByCode = indexStockItems(stockItems);
  const ignored = new Set(ignoredSkus.map((sku) => sku.trim()));

  const rows = variants.map((variant): ProductMatchRow => {
    const sku = variant.sku?.trim() ? variant.sku.trim() : null;
    const base = {
      variantId: variant.id,
      sku: variant.sku,
      shopifyName: shopifyName(variant),
      shopifyPrice: variant.price,
      warnings: [],
      needsConfirmation: false,
    };
    if (sku === null) return { ...base, status: "NO_SKU" };
    if (ignored.has(sku)) return { ...base, status: "IGNORED" };

    // Own-property lookup: a SKU called "constructor" must not find Object.prototype.constructor.
    const mapping = Object.hasOwn(skuMap, sku) ? skuMap[sku] : undefined;
    const code = mapping ? mapping.code.trim() : sku;
    const withCode = mapping ? { ...base, vintraceCode: code, multiplier: mapping.multiplier } : { ...base, vintraceCode: code };
    const item = stockByCode.get(code);
    if (!item) return { ...withCode, status: "MISSING_IN_VINTRACE", needsConfirmation: true };
    return compare(withCode, variant.price, mapping?.multiplier ?? 1, item.description, item.price);
  });

  return finish(rows);
}

/**
 * Applies the exact lookups of `codesToConfirm`. A code that was found becomes MATCHED (its price is not checkable:
 * a lookup carries none); every other candidate is confirmed missing.
 */
export function confirmMissing(result: ProductMatchResult, found: readonly ConfirmedStockItem[]): ProductMatchResult {
  const foundByCode = new Map(found.map((item) => [item.code, item]));
  const rows = result.rows.map((row): ProductMatchRow => {
    if (!row.needsConfirmation || row.vintraceCode === undefined) return row;
    const item = foundByCode.get(row.vintraceCode);
    if (!item) return { ...row, needsConfirmation: false };
    return compare({ ...row, warnings: [], needsConfirmation: false }, row.shopifyPrice, row.multiplier ?? 1, item.description, null);
  });
  return finish(rows);
}

export function shopifyName({ productTitle, variantTitle }: Pick<ShopifyVariant, "productTitle" | "variantTitle">): string {
  const variant = variantTitle?.trim();
  return !variant || variant === "Default Title" ? productTitle : `${productTitle} – ${variant}`;
}

/** Names are equal when they differ only in case, spacing, or which dash they use. */
export function sameName(a: string, b: string): boolean {
  return normaliseName(a) === normaliseName(b);
}

function compare(
  row: Omit<ProductMatchRow, "status">,
  shopifyPrice: string,
  multiplier: number,
  description: string | null,
  price: number | null,
): ProductMatchRow {
  const warnings: MatchWarning[] = [];
  let nameDiff: NameDiffPart[] | undefined;
  const vintraceName = description?.trim() ? description : undefined;
  if (vintraceName !== undefined && !sameName(row.shopifyName, vintraceName)) {
    warnings.push("NAME_DIFFERS");
    nameDiff = diffWords(row.shopifyName, vintraceName);
  }
  const prices = samePerUnitPrice(shopifyPrice, multiplier, price);
  if (prices === "NOT_CHECKABLE") warnings.push("PRICE_NOT_CHECKABLE");
  else if (prices === "DIFFERENT") warnings.push("PRICE_DIFFERS");
  return {
    ...row,
    status: "MATCHED",
    ...(vintraceName !== undefined && { vintraceName }),
    ...(price !== null && { vintracePrice: price }),
    warnings,
    ...(nameDiff && { nameDiff }),
  };
}

function indexStockItems(stockItems: readonly VintraceStockItem[]): Map<string, VintraceStockItem> {
  // `/inventory` has a row per location, so one code can appear several times; keep the first known description
  // and price.
  const byCode = new Map<string, VintraceStockItem>();
  for (const item of stockItems) {
    const code = item.code.trim();
    const known = byCode.get(code);
    if (!known) byCode.set(code, { code, description: item.description, price: item.price });
    else if (known.description === null || known.price === null) {
      byCode.set(code, { code, description: known.description ?? item.description, price: known.price ?? item.price });
    }
  }
  return byCode;
}

function finish(rows: ProductMatchRow[]): ProductMatchResult {
  const summary: ProductMatchSummary = {
    total: rows.length,
    matched: 0,
    missingInVintrace: 0,
    noSku: 0,
    ignored: 0,
    nameDiffers: 0,
    priceDiffers: 0,
    priceNotCheckable: 0,
    needsConfirmation: 0,
  };
  const codesToConfirm = new Set<string>();
  for (const row of rows) {
    if (row.status === "MATCHED") summary.matched++;
    else if (row.status === "MISSING_IN_VINTRACE") summary.missingInVintrace++;
    else if (row.status === "NO_SKU") summary.noSku++;
    else summary.ignored++;
    for (const warning of row.warnings) {
      if (warning === "NAME_DIFFERS") summary.nameDiffers++;
      else if (warning === "PRICE_DIFFERS") summary.priceDiffers++;
      else summary.priceNotCheckable++;
    }
    if (row.needsConfirmation) {
      summary.needsConfirmation++;
      if (row.vintraceCode !== undefined) codesToConfirm.add(row.vintraceCode);
    }
  }
  return { rows, summary, codesToConfirm: [...codesToConfirm] };
}

function samePerUnitPrice(shopifyPrice: string, multiplier: number, vintracePrice: number | null): "SAME" | "DIFFERENT" | "NOT_CHECKABLE" {
  if (vintracePrice === null) return "NOT_CHECKABLE";
  // Exact decimals, so no binary float is ever compared.
  const shopify = parseDecimal(shopifyPrice);
  const vintrace = decimalFromNumber(vintracePrice);
  const perUnit = multiplier > 0 ? decimalFromNumber(multiplier) : null;
  if (!shopify || !vintrace || !perUnit) return "NOT_CHECKABLE";
  // shopify / multiplier = vintrace  ⇔  shopify = vintrace × multiplier
  return sameDecimal(shopify, multiplyDecimals(vintrace, perUnit)) ? "SAME" : "DIFFERENT";
}

const DASHES = /[\u002D\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

function normaliseName(name: string): string {
  return wordsOf(name)
    .map((word) => wordKey(word))
    .join(" ");
}

function wordKey(word: string): string {
  return word.normalize("NFKC").replace(DASHES, "-").toLowerCase();
}

/** Words, with each dash its own word, so "Shiraz-2019" and "Shiraz – 2019" line up. */
function wordsOf(name: string): string[] {
  return name
    .replace(DASHES, (dash) => ` ${dash} `)
    .split(/\s+/)
    .filter((word) => word !== "");
}

// Names are a handful of words; past this the quadratic LCS is not worth it and the diff is shown as a replacement.
const MAX_DIFF_WORDS = 60;

function diffWords(shopify: string, vintrace: string): NameDiffPart[] {
  const a = wordsOf(shopify);
  const b = wordsOf(vintrace);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS) {
    return [...a.map((text) => ({ kind: "shopifyOnly" as const, text })), ...b.map((text) => ({ kind: "vintraceOnly" as const, text }))];
  }
  const keysA = a.map(wordKey);
  const keysB = b.map(wordKey);
  // lcs[i][j] = length of the longest common subsequence of keysA[i..] and keysB[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = keysA[i] === keysB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const parts: NameDiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && keysA[i] === keysB[j]) {
      parts.push({ kind: "both", text: a[i] });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1][j] >= lcs[i][j + 1])) {
      parts.push({ kind: "shopifyOnly", text: a[i] });
      i++;
    } else {
      parts.push({ kind: "vintraceOnly", text: b[j] });
      j++;
    }
  }
  return parts;
}
