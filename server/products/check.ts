// The Products page's match check, on demand and nightly (the sync engine's job runner calls runProductCheck): every
// Shopify variant against vintrace's stock items. Only the stock code must match; a different name or price is a
// warning, and a price is checked only where `/inventory` gives one. A code missing from `/inventory` is confirmed with
// an exact `/stock/lookup` before it is reported. Each run is stored, so the page shows the last result and when it
// ran. SKUs the check now finds matched re-queue the failed orders that named them.
import "server-only";
import type { Db } from "@/server/db";
import type { Prisma, ProductCheck } from "@/server/generated/prisma/client";
import { adminFromTokens, vintraceFromSettings, type AdminFor, type VintraceFor } from "@/server/sync/context";
import { retryAfterSkuMatched } from "@/server/orders/fix-retry";
import { mapLimit } from "@/server/sync/map-limit";
import {
  confirmMissing,
  matchProducts,
  type ConfirmedStockItem,
  type ProductMatchRow,
  type ProductMatchSummary,
  type ShopifyVariant,
  type VintraceStockItem,
} from "@/server/products/match";

/** Exact lookups at once: a winery's vintrace is paced per winery anyway. */
const LOOKUP_CONCURRENCY = 4;
/** Runs kept per winery: the page shows the last; a few more help support see what changed. */
const KEEP_RUNS = 5;
/** A run still RUNNING after this is taken to have died with its process. */
export const STALE_RUN_MS = 15 * 60 * 1000;

export interface ProductCheckDeps {
  adminFor?: AdminFor;
  vintraceFor?: VintraceFor;
  now?: () => Date;
}

export interface ProductCheckView {
  id: string;
  trigger: string;
  status: "RUNNING" | "DONE" | "FAILED";
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  summary: ProductMatchSummary | null;
  rows: ProductMatchRow[];
}

export function viewOf(check: ProductCheck): ProductCheckView {
  return {
    id: check.id,
    trigger: check.trigger,
    status: check.status === "DONE" || check.status === "FAILED" ? check.status : "RUNNING",
    startedAt: check.startedAt,
    finishedAt: check.finishedAt,
    error: check.error,
    summary: (check.summary as ProductMatchSummary | null) ?? null,
    rows: (check.rows as ProductMatchRow[] | null) ?? [],
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the check for one winery and stores it; a failure to reach Shopify or vintrace is stored as FAILED, with why. */
export async function runProductCheck(db: Db, tenantId: string, options: ProductCheckDeps & { trigger?: string } = {}): Promise<ProductCheckView> {
  const now = options.now ?? (() => new Date());
  const check = await db.productCheck.create({ data: { tenantId, trigger: options.trigger ?? "nightly", status: "RUNNING", startedAt: now() } });
  try {
    const { rows, summary } = await match(db, tenantId, options);
    const done = await db.productCheck.update({
      where: { id: check.id },
      data: {
        status: "DONE",
        finishedAt: now(),
        summary: summary as unknown as Prisma.InputJsonValue,
        rows: rows as unknown as Prisma.InputJsonValue,
      },
    });
    await requeueFixedOrders(db, tenantId, rows);
    await pruneOldRuns(db, tenantId);
    return viewOf(done);
  } catch (error) {
    const failed = await db.productCheck.update({ where: { id: check.id }, data: { status: "FAILED", finishedAt: now(), error: describe(error) } });
    await pruneOldRuns(db, tenantId);
    return viewOf(failed);
  }
}

async function match(db: Db, tenantId: string, deps: ProductCheckDeps) {
  const [mappings, settings] = await Promise.all([
    db.skuMapping.findMany({ where: { tenantId } }),
    db.vintraceSettings.findUnique({ where: { tenantId }, select: { ignoredSkus: true } }),
  ]);
  if (!settings) throw new Error("vintrace is not set up for this winery: add its address and API key in Settings first.");

  const admin = await (deps.adminFor ?? adminFromTokens(db))(tenantId).catch((error: unknown) => {
    throw new Error(`Could not connect to Shopify: ${describe(error)}`);
  });
  const variants: ShopifyVariant[] = [];
  try {
    for await (const v of admin.productVariants()) variants.push({ id: v.id, sku: v.sku, productTitle: v.productTitle, variantTitle: v.title, price: v.price });
  } catch (error) {
    throw new Error(`Could not read the products from Shopify: ${describe(error)}`);
  }

  const vintrace = await (deps.vintraceFor ?? vintraceFromSettings(db))(tenantId);
  const inventory = await vintrace.listInventory();
  if (!inventory.ok) throw new Error(`Could not read the stock items from vintrace: ${inventory.error.message}`);
  const stockItems: VintraceStockItem[] = inventory.value.map((row) => ({
    code: row.code,
    description: row.description ?? row.name ?? null,
    price: row.price ?? null,
  }));

  const first = matchProducts({
    variants,
    stockItems,
    skuMap: Object.fromEntries(mappings.map((m) => [m.shopifySku, { code: m.vintraceCode, multiplier: m.multiplier }])),
    ignoredSkus: settings.ignoredSkus,
  });
  const lookups = await mapLimit(first.codesToConfirm, LOOKUP_CONCURRENCY, async (code) => {
    const found = await vintrace.lookupStock(code);
    if (!found.ok) throw new Error(`Could not confirm stock code '${code}' in vintrace: ${found.error.message}`);
    return found.value;
  });
  const found: ConfirmedStockItem[] = lookups.flatMap((item) => (item ? [{ code: item.code, description: item.description ?? null }] : []));
  return confirmMissing(first, found);
}

/** The failed orders that named a SKU (or code) the check now finds matched are queued again. */
async function requeueFixedOrders(db: Db, tenantId: string, rows: ProductMatchRow[]): Promise<number> {
  const failures = await db.orderSync.findMany({
    where: { tenantId, status: "FAILED", lastErrorClass: "VALIDATION", NOT: { missingSkus: { isEmpty: true } } },
    select: { missingSkus: true },
    take: 5_000,
  });
  if (failures.length === 0) return 0;
  const named = new Set(failures.flatMap((f) => f.missingSkus));
  const matched = rows
    .filter((row) => row.status === "MATCHED")
    .flatMap((row) => [row.sku?.trim() ?? "", row.vintraceCode ?? ""])
    .filter((sku) => sku !== "" && named.has(sku));
  return matched.length ? retryAfterSkuMatched(db, tenantId, matched) : 0;
}

async function pruneOldRuns(db: Db, tenantId: string): Promise<void> {
  const keep = await db.productCheck.findMany({ where: { tenantId }, orderBy: { startedAt: "desc" }, take: KEEP_RUNS, select: { id: true } });
  await db.productCheck.deleteMany({ where: { tenantId, id: { notIn: keep.map((k) => k.id) } } });
}

/** The last finished run, and a run in progress if there is one. */
export async function latestProductCheck(db: Db, tenantId: string, now = new Date()): Promise<{ last: ProductCheckView | null; running: ProductCheckView | null }> {
  const [last, running] = await Promise.all([
    db.productCheck.findFirst({ where: { tenantId, status: { in: ["DONE", "FAILED"] } }, orderBy: { startedAt: "desc" } }),
    db.productCheck.findFirst({
      where: { tenantId, status: "RUNNING", startedAt: { gte: new Date(now.getTime() - STALE_RUN_MS) } },
      orderBy: { startedAt: "desc" },
    }),
  ]);
  return { last: last ? viewOf(last) : null, running: running ? viewOf(running) : null };
}
