// The Products page's match check: every Shopify variant against vintrace's stock items. Only the stock code must
// match; a different name or price is a warning, and a price is checked only where `/inventory` gives one. A code
// missing from `/inventory` is confirmed with an exact `/stock/lookup` before it is reported. SKUs the check now finds
// matched re-queue the failed orders that named them.
//
// A check is a run a worker claims, never work done inside an HTTP request (it can take minutes for a large shop):
//   requestProductCheck   inserts a QUEUED run for the winery, or joins the open one (a partial unique index allows
//                         one QUEUED or RUNNING run per winery, so two clicks, or a click and the nightly job, make one)
//   claimProductCheck     a worker takes the oldest QUEUED run, or a RUNNING one whose lease lapsed (its worker died),
//                         with FOR UPDATE SKIP LOCKED, so two workers never take the same run
//   performProductCheck   runs it, writing phase and progress as it goes; every write is fenced by the worker's id, so
//                         a worker that stalled past its lease and lost the run cannot overwrite what the new one writes
//   releaseProductCheck   a stopping worker hands its run back (QUEUED again) for another to take at once
// Each finished run is kept (the last few), so the page shows the last result and when it ran.
import "server-only";
import type { Db } from "@/server/db";
import { Prisma, type ProductCheck } from "@/server/generated/prisma/client";
import { sqlTimestamp, UTC_NOW } from "@/server/lib/sql-time";
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
/** Finished runs kept per winery: the page shows the last; a few more help support see what changed. */
const KEEP_RUNS = 5;
/** How long a claimed run is the worker's without renewal; the worker renews it at a third of this while it works. */
export const PRODUCT_CHECK_LEASE_MS = 60_000;
/** Progress writes at most this often: a shop with thousands of codes to confirm would otherwise write per lookup. */
const PROGRESS_WRITE_MS = 250;

export const PHASES = {
  queued: "Waiting for a worker",
  shopify: "Reading the Shopify catalogue",
  vintrace: "Reading vintrace's stock items",
  confirming: "Confirming missing stock codes in vintrace",
  saving: "Saving the result",
} as const;

export interface ProductCheckDeps {
  adminFor?: AdminFor;
  vintraceFor?: VintraceFor;
  now?: () => Date;
}

export type ProductCheckStatus = "QUEUED" | "RUNNING" | "DONE" | "FAILED";

export interface ProductCheckView {
  id: string;
  trigger: string;
  status: ProductCheckStatus;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** what an open run is doing now, and how many of its variants are compared, of how many (null until known) */
  phase: string | null;
  progressDone: number;
  progressTotal: number | null;
  summary: ProductMatchSummary | null;
  rows: ProductMatchRow[];
}

const STATUSES: readonly string[] = ["QUEUED", "RUNNING", "DONE", "FAILED"] satisfies ProductCheckStatus[];

/** A run as the page follows it: everything but its rows, which a large shop has thousands of. */
export type ProductCheckInfo = Omit<ProductCheckView, "rows">;

function infoOf(check: Omit<ProductCheck, "rows">): ProductCheckInfo {
  return {
    id: check.id,
    trigger: check.trigger,
    status: STATUSES.includes(check.status) ? (check.status as ProductCheckStatus) : "FAILED",
    startedAt: check.startedAt,
    finishedAt: check.finishedAt,
    error: check.error,
    phase: check.phase,
    progressDone: check.progressDone,
    progressTotal: check.progressTotal,
    summary: (check.summary as ProductMatchSummary | null) ?? null,
  };
}

export function viewOf(check: ProductCheck): ProductCheckView {
  return { ...infoOf(check), rows: (check.rows as ProductMatchRow[] | null) ?? [] };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const OPEN = ["QUEUED", "RUNNING"];

/**
 * Asks for a check of the winery: a new QUEUED run, or the open one when there is one (`joined`). Returns at once; a
 * worker runs it.
 */
export async function requestProductCheck(db: Db, tenantId: string, trigger: string): Promise<{ id: string; joined: boolean }> {
  // The open run may finish between the insert that conflicts with it and the read that looks for it: try again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "ProductCheck" (id, "tenantId", trigger, status, phase, "startedAt")
      VALUES (${newId()}, ${tenantId}, ${trigger}, 'QUEUED', ${PHASES.queued}, ${UTC_NOW})
      ON CONFLICT ("tenantId") WHERE status IN ('QUEUED', 'RUNNING') DO NOTHING
      RETURNING id`;
    if (inserted.length === 1) return { id: inserted[0].id, joined: false };
    const open = await db.productCheck.findFirst({ where: { tenantId, status: { in: OPEN } }, select: { id: true } });
    if (open) return { id: open.id, joined: true };
  }
  throw new Error("Could not queue the product check: runs kept starting and finishing; try again.");
}

/** A run id of the same shape as the schema's cuid() default (raw inserts do not get Prisma's defaults). */
function newId(): string {
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface RunLease {
  owner: string;
  leaseMs: number;
}

/**
 * Takes the oldest QUEUED run, or a RUNNING one whose lease lapsed, for `owner` (optionally only run `id`, or only
 * these wineries). Null when there is none.
 */
export async function claimProductCheck(db: Db, lease: RunLease, only: { id?: string; tenantIds?: string[] } = {}): Promise<ProductCheck | null> {
  const byId = only.id ? Prisma.sql`AND id = ${only.id}` : Prisma.empty;
  const byTenant = only.tenantIds ? Prisma.sql`AND "tenantId" = ANY(${only.tenantIds}::text[])` : Prisma.empty;
  const claimed = await db.$queryRaw<ProductCheck[]>`
    UPDATE "ProductCheck"
    SET status = 'RUNNING', "workerId" = ${lease.owner},
        "leaseUntil" = ${UTC_NOW} + ${lease.leaseMs}::int * interval '1 millisecond'
    WHERE id = (
      SELECT id FROM "ProductCheck"
      WHERE (status = 'QUEUED' OR (status = 'RUNNING' AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${UTC_NOW}))) ${byId} ${byTenant}
      ORDER BY "startedAt" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  return claimed[0] ?? null;
}

/** Pushes the run's lease further out; false when the run is no longer this worker's. */
export async function renewProductCheck(db: Db, id: string, lease: RunLease): Promise<boolean> {
  const renewed = await db.$executeRaw`
    UPDATE "ProductCheck" SET "leaseUntil" = ${UTC_NOW} + ${lease.leaseMs}::int * interval '1 millisecond'
    WHERE id = ${id} AND status = 'RUNNING' AND "workerId" = ${lease.owner}`;
  return renewed === 1;
}

/** Hands a run back (a stopping worker): QUEUED again, for any worker to take at once. */
export async function releaseProductCheck(db: Db, id: string, owner: string): Promise<boolean> {
  const released = await db.productCheck.updateMany({
    where: { id, status: "RUNNING", workerId: owner },
    data: { status: "QUEUED", workerId: null, leaseUntil: null, phase: PHASES.queued, progressDone: 0, progressTotal: null },
  });
  return released.count === 1;
}

class LostRun extends Error {}

/** Writes to the run while it is still this worker's; throws LostRun when another worker has taken it over. */
async function writeFenced(db: Db, id: string, owner: string, data: Prisma.ProductCheckUpdateManyMutationInput): Promise<void> {
  const { count } = await db.productCheck.updateMany({ where: { id, status: "RUNNING", workerId: owner }, data });
  if (count !== 1) throw new LostRun(`product check ${id} is no longer held by ${owner}`);
}

/**
 * Stores a finished run's result, fenced like every other write. Raw, with the JSON made here: handing a 10,000-row
 * result to the ORM as a Json value held the worker's event loop for seconds (its query compiler walks every value),
 * which delayed every other job of the process.
 */
async function saveResult(db: Db, id: string, owner: string, finishedAt: Date, result: { summary: ProductMatchSummary; rows: ProductMatchRow[] }): Promise<void> {
  const count = await db.$executeRaw`
    UPDATE "ProductCheck"
    SET status = 'DONE', "finishedAt" = ${sqlTimestamp(finishedAt)}, phase = NULL, "leaseUntil" = NULL,
        summary = ${JSON.stringify(result.summary)}::jsonb, rows = ${JSON.stringify(result.rows)}::jsonb
    WHERE id = ${id} AND status = 'RUNNING' AND "workerId" = ${owner}`;
  if (count !== 1) throw new LostRun(`product check ${id} is no longer held by ${owner}`);
}

/**
 * Performs a claimed run: reads both catalogues, compares them, stores the result (DONE, or FAILED with why, when
 * Shopify or vintrace could not be read). Null when the run was lost to another worker midway (its lease lapsed);
 * that worker's result stands.
 */
export async function performProductCheck(db: Db, run: ProductCheck, lease: RunLease, deps: ProductCheckDeps = {}): Promise<ProductCheckView | null> {
  const now = deps.now ?? (() => new Date());
  let lost = false;
  const renewal = setInterval(() => {
    renewProductCheck(db, run.id, lease).then(
      (held) => (lost ||= !held),
      () => {},
    );
  }, Math.max(50, Math.floor(lease.leaseMs / 3)));
  let lastWrite = 0;
  const progress = async (data: { phase?: string; progressDone?: number; progressTotal?: number | null }, force = false) => {
    if (lost) throw new LostRun(`product check ${run.id} is no longer held by ${lease.owner}`);
    if (!force && Date.now() - lastWrite < PROGRESS_WRITE_MS) return;
    lastWrite = Date.now();
    await writeFenced(db, run.id, lease.owner, data);
  };
  try {
    let rows: ProductMatchRow[] | null = null;
    try {
      const result = await match(db, run.tenantId, deps, progress);
      await progress({ phase: PHASES.saving }, true);
      await saveResult(db, run.id, lease.owner, now(), result);
      rows = result.rows;
    } catch (error) {
      if (error instanceof LostRun) throw error;
      await writeFenced(db, run.id, lease.owner, { status: "FAILED", finishedAt: now(), phase: null, leaseUntil: null, error: describe(error) });
    }
    // Read back without the rows: this worker holds them already, and a large shop's are megabytes.
    const finished = await db.productCheck.findUniqueOrThrow({ where: { id: run.id }, omit: { rows: true } });
    if (rows) await requeueFixedOrders(db, run.tenantId, rows);
    await pruneOldRuns(db, run.tenantId);
    return { ...infoOf(finished), rows: rows ?? [] };
  } catch (error) {
    if (error instanceof LostRun) return null;
    throw error;
  } finally {
    clearInterval(renewal);
  }
}

/**
 * Requests a check and, unless another worker already holds that run, performs it here and now (tests and tools;
 * the app queues and leaves the work to its worker).
 */
export async function runProductCheck(db: Db, tenantId: string, options: ProductCheckDeps & { trigger?: string; owner?: string } = {}): Promise<ProductCheckView> {
  const { id } = await requestProductCheck(db, tenantId, options.trigger ?? "nightly");
  const lease = { owner: options.owner ?? `inline:${id}`, leaseMs: PRODUCT_CHECK_LEASE_MS };
  const claimed = await claimProductCheck(db, lease, { id });
  const done = claimed ? await performProductCheck(db, claimed, lease, options) : null;
  return done ?? viewOf(await db.productCheck.findUniqueOrThrow({ where: { id } }));
}

type Progress = (data: { phase?: string; progressDone?: number; progressTotal?: number | null }, force?: boolean) => Promise<void>;

async function match(db: Db, tenantId: string, deps: ProductCheckDeps, progress: Progress) {
  const [mappings, settings] = await Promise.all([
    db.skuMapping.findMany({ where: { tenantId } }),
    db.vintraceSettings.findUnique({ where: { tenantId }, select: { ignoredSkus: true } }),
  ]);
  if (!settings) throw new Error("vintrace is not set up for this winery: add its address and API key in Settings first.");

  await progress({ phase: PHASES.shopify }, true);
  const admin = await (deps.adminFor ?? adminFromTokens(db))(tenantId).catch((error: unknown) => {
    throw new Error(`Could not connect to Shopify: ${describe(error)}`);
  });
  const variants: ShopifyVariant[] = [];
  try {
    for await (const v of admin.productVariants()) variants.push({ id: v.id, sku: v.sku, productTitle: v.productTitle, variantTitle: v.title, price: v.price });
  } catch (error) {
    throw new Error(`Could not read the products from Shopify: ${describe(error)}`);
  }

  await progress({ phase: PHASES.vintrace, progressTotal: variants.length }, true);
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
  // Progress counts variants: those the first pass settled, then those of each code as its lookup returns.
  const waiting = new Map<string, number>();
  for (const row of first.rows) if (row.needsConfirmation && row.vintraceCode !== undefined) waiting.set(row.vintraceCode, (waiting.get(row.vintraceCode) ?? 0) + 1);
  let compared = first.rows.length - [...waiting.values()].reduce((sum, n) => sum + n, 0);
  await progress({ phase: first.codesToConfirm.length ? PHASES.confirming : PHASES.saving, progressDone: compared, progressTotal: first.rows.length }, true);
  const lookups = await mapLimit(first.codesToConfirm, LOOKUP_CONCURRENCY, async (code) => {
    const found = await vintrace.lookupStock(code);
    if (!found.ok) throw new Error(`Could not confirm stock code '${code}' in vintrace: ${found.error.message}`);
    compared += waiting.get(code) ?? 0;
    await progress({ progressDone: compared });
    return found.value;
  });
  await progress({ progressDone: first.rows.length }, true);
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

/** Keeps the last few finished runs; an open run is never pruned. */
async function pruneOldRuns(db: Db, tenantId: string): Promise<void> {
  const finished = { tenantId, status: { in: ["DONE", "FAILED"] } };
  const keep = await db.productCheck.findMany({ where: finished, orderBy: { startedAt: "desc" }, take: KEEP_RUNS, select: { id: true } });
  await db.productCheck.deleteMany({ where: { ...finished, id: { notIn: keep.map((k) => k.id) } } });
}

/**
 * The last finished run, and the open run (queued or in progress) if there is one, without their rows: the page asks
 * for this every second while a run is open, and the rows of the last run (`productCheckRows`) only once.
 */
export async function latestProductCheck(db: Db, tenantId: string): Promise<{ last: ProductCheckInfo | null; running: ProductCheckInfo | null }> {
  const [last, running] = await Promise.all([
    db.productCheck.findFirst({ where: { tenantId, status: { in: ["DONE", "FAILED"] } }, orderBy: { startedAt: "desc" }, omit: { rows: true } }),
    db.productCheck.findFirst({ where: { tenantId, status: { in: OPEN } }, orderBy: { startedAt: "desc" }, omit: { rows: true } }),
  ]);
  return { last: last ? infoOf(last) : null, running: running ? infoOf(running) : null };
}

/** The rows of one of the winery's runs (empty for a run that found none or is not finished); null for no such run. */
export async function productCheckRows(db: Db, tenantId: string, id: string): Promise<ProductMatchRow[] | null> {
  // Raw, parsed here: the ORM's handling of a multi-megabyte Json value costs several times JSON.parse.
  const [found] = await db.$queryRaw<{ rows: string | null }[]>`
    SELECT rows::text AS rows FROM "ProductCheck" WHERE id = ${id} AND "tenantId" = ${tenantId}`;
  if (!found) return null;
  return found.rows ? (JSON.parse(found.rows) as ProductMatchRow[]) : [];
}
