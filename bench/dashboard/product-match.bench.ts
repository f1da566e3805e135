// Product match at the size of a large winery: 10,000 Shopify variants against 10,000 vintrace stock items.
// Run: node scripts/node24.mjs bench/dashboard/product-match.bench.ts   (results in bench/dashboard/README.md)
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { matchProducts, type MatchProductsInput, type ShopifyVariant, type SkuMapping, type VintraceStockItem } from "@/server/products/match";

const SIZE = 10_000;
const RUNS = 5;
const SEED = 20250301;

// Makes gc() callable without a command-line flag, so the one-line command above is the whole recipe.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VARIETIES = ["Shiraz", "Riesling", "Pinot Noir", "Chardonnay", "Cabernet Sauvignon", "Grenache", "Sémillon", "Tempranillo"];

// The mix a real shop shows: most variants match cleanly; a few differ in name or price, lack a SKU, are ignored,
// are sold as 6-packs through the SKU map, or name a code vintrace does not list.
function generate(random: () => number): MatchProductsInput & { mix: Record<string, number> } {
  const stockItems: VintraceStockItem[] = [];
  for (let i = 0; i < SIZE; i++) {
    const variety = VARIETIES[i % VARIETIES.length];
    stockItems.push({
      code: `W${String(i).padStart(5, "0")}-x1`,
      description: `${variety} ${2015 + (i % 10)} – 750ml`,
      // Built from whole cents, as a JSON number vintrace sends would parse.
      price: random() < 0.7 ? (1500 + Math.floor(random() * 8000)) / 100 : null,
    });
  }
  const variants: ShopifyVariant[] = [];
  const skuMap: Record<string, SkuMapping> = {};
  const ignoredSkus: string[] = [];
  const mix = { clean: 0, nameDiffers: 0, nameDiffersOnlyInCaseOrDash: 0, priceDiffers: 0, missing: 0, noSku: 0, ignored: 0, mapped: 0 };
  for (let i = 0; i < SIZE; i++) {
    const item = stockItems[Math.floor(random() * SIZE)];
    const [productTitle] = (item.description ?? "").split(" – ");
    const price = ((item.price ?? 25) * 1).toFixed(2);
    const base: ShopifyVariant = { id: `gid://shopify/ProductVariant/${1_000_000 + i}`, sku: item.code, productTitle, variantTitle: "750ml", price };
    const roll = random();
    if (roll < 0.78) {
      mix.clean++;
      variants.push(base);
    } else if (roll < 0.82) {
      mix.nameDiffers++;
      variants.push({ ...base, productTitle: `${productTitle} Reserve` });
    } else if (roll < 0.84) {
      mix.nameDiffersOnlyInCaseOrDash++;
      variants.push({ ...base, productTitle: `${productTitle.toUpperCase()} - 750ML`, variantTitle: null });
    } else if (roll < 0.89) {
      mix.priceDiffers++;
      variants.push({ ...base, price: (Number(price) + 1).toFixed(2) });
    } else if (roll < 0.92) {
      mix.missing++;
      variants.push({ ...base, sku: `GONE-${i}` });
    } else if (roll < 0.94) {
      mix.noSku++;
      variants.push({ ...base, sku: null });
    } else if (roll < 0.96) {
      mix.ignored++;
      const sku = `GIFT-${i}`;
      ignoredSkus.push(sku);
      variants.push({ ...base, sku, productTitle: "Gift card", variantTitle: null });
    } else {
      mix.mapped++;
      const sku = `${item.code}-6PK`;
      skuMap[sku] = { code: item.code, multiplier: 6 };
      variants.push({ ...base, sku, variantTitle: "6-pack", price: ((item.price ?? 25) * 6).toFixed(2) });
    }
  }
  return { variants, stockItems, skuMap, ignoredSkus, mix };
}

// The floor of any Map-based approach: index the stock list and look every variant up once.
function baselineMapLookup({ variants, stockItems }: MatchProductsInput): number {
  const byCode = new Map<string, VintraceStockItem>();
  for (const item of stockItems) byCode.set(item.code, item);
  let found = 0;
  for (const variant of variants) if (variant.sku !== null && byCode.has(variant.sku)) found++;
  return found;
}

// What the page would cost without an index: a linear search of the stock list per variant.
function baselineNaiveFind({ variants, stockItems }: MatchProductsInput): number {
  let found = 0;
  for (const variant of variants) if (stockItems.find((item) => item.code === variant.sku)) found++;
  return found;
}

function timeRuns<T>(fn: () => T, runs: number): { medianMs: number; minMs: number; maxMs: number } {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: round(times[Math.floor(runs / 2)]), minMs: round(times[0]), maxMs: round(times[runs - 1]) };
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

const MB = 1024 * 1024;
const data = generate(mulberry32(SEED));
const { mix, ...input } = data;

const match = timeRuns(() => matchProducts(input), RUNS);
const mapLookup = timeRuns(() => baselineMapLookup(input), RUNS);
const naiveFind = timeRuns(() => baselineNaiveFind(input), RUNS);

// Memory of one run, with the input already built: heapUsed/rss just after the run minus just before it (what the
// run allocated, garbage included unless a GC ran meanwhile), then heapUsed after a full GC with the result still
// held (what the result keeps). maxRSS is the whole process's peak, tsx and the input included.
gc();
const before = process.memoryUsage();
const result = matchProducts(input);
const after = process.memoryUsage();
gc();
const retained = process.memoryUsage();

console.log(
  JSON.stringify({
    bench: "productMatch",
    node: process.version,
    variants: input.variants.length,
    stockItems: input.stockItems.length,
    runs: RUNS,
    seed: SEED,
    mix,
    summary: result.summary,
    codesToConfirm: result.codesToConfirm.length,
    matchProducts: match,
    baselineMapLookup: mapLookup,
    baselineNaiveFind: naiveFind,
    memory: {
      heapUsedDeltaMB: round((after.heapUsed - before.heapUsed) / MB),
      rssDeltaMB: round((after.rss - before.rss) / MB),
      retainedHeapMB: round((retained.heapUsed - before.heapUsed) / MB),
      processMaxRssMB: round((process.resourceUsage().maxRSS * 1024) / MB),
    },
  }),
);
