// Bulk retry, shared by the dashboard and the CLI, in two steps so that nothing is queued before someone has seen what
// will happen:
//   previewRetry: parse what was pasted, resolve every name in Shopify by exact name, and say what would happen to
//                 each. Read-only: no record, no tag, no vintrace write changes.
//   confirmRetry: resolve again (the preview may be stale), then queue the orders that need it (source MANUAL) and
//                 correct the tag of those vintrace already has. Progress shows on the OrderSync records.
// A retry never creates a duplicate: it only ever queues the record the worker processes, under the same lease and
// lookup-before-POST rule as every other sync.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { OrderSync, TenantStatus } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import type { OrderSummary } from "@/server/shopify/admin";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { findSalesOrderByExternalId } from "@/server/vintrace";
import type { AdminFor, VintraceFor } from "../sync/context";
import { mapLimit } from "../sync/map-limit";
import { orderNameFormatFor } from "./order-name-format";
import { parseOrderNames, type RefusedToken } from "./parse-order-names";
import type { Actor } from "../tenants/pause";
import { skipReasonFor } from "../sync/process-order";
import { expedite, isLeased, notifyOrderSyncDue, recordAlreadySynced, REASONS, requeueManually, type ManualOrder } from "../sync/queue";

export type RetryVerdict =
  | { name: string; verdict: "found"; orderGid: string; message: string }
  | { name: string; verdict: "not_found"; message: string }
  | {
      name: string;
      verdict: "already_synced";
      orderGid: string;
      salesOrderCode: string | null;
      salesOrderId: number;
      /** the Shopify order lacks the created tag (or still has the error tag): confirming corrects it */
      tagNeedsCorrection: boolean;
      message: string;
    }
  | { name: string; verdict: "in_progress"; orderGid: string; message: string }
  /** the worker would skip it (skipReasonFor): nothing is queued for it */
  | { name: string; verdict: "skipped"; orderGid: string; reason: SkipKind; message: string }
  | { name: string; verdict: "refused"; message: string };

export type SkipKind = "test_order" | "before_start" | "cancelled";

/** A verdict with what will really happen to the order, in a few words for the preview's list. */
export type PreviewVerdict = RetryVerdict & { outcome: string };

export type RetryPreview =
  | { ok: true; format: { prefix: string; suffix: string }; verdicts: PreviewVerdict[]; counts: Record<RetryVerdict["verdict"], number> }
  | { ok: false; error: string };

export type ConfirmAction = "queued" | "tag_queued" | "none";
export type RetryOutcome = RetryVerdict & { action: ConfirmAction };

export type RetryConfirmation =
  | { ok: true; results: RetryOutcome[]; counts: Record<ConfirmAction, number> }
  | { ok: false; error: string };

/** An order the caller knows by its Shopify id, with its name for the lists. */
export interface KnownOrder {
  gid: string;
  name: string;
}

export interface RetryDeps {
  adminFor: AdminFor;
  /** to ask vintrace whether it already has an order we hold no record of; optional (the worker asks anyway) */
  vintraceFor?: VintraceFor;
}

/** Shopify lookups at once: polite to the shop's cost bucket, quick enough for 500 names. */
const RESOLVE_CONCURRENCY = 4;

export async function previewRetry(db: Db, tenantId: string, text: string, deps: RetryDeps): Promise<RetryPreview> {
  const parsed = await parseForTenant(db, tenantId, text);
  if (!parsed.ok) return parsed;
  return previewOf(parsed.format, await resolveNames(db, tenantId, parsed.names, deps), parsed.refused);
}

/** A winery about to go live: the orders are judged as the live winery will send them, under this start date. */
export interface GoingLive {
  startsAt: Date;
}

/** The preview of known orders, by their ids (going live: the held orders and those since a date). */
export async function previewRetryOfOrders(
  db: Db,
  tenantId: string,
  orders: KnownOrder[],
  deps: RetryDeps,
  goingLive?: GoingLive,
): Promise<Extract<RetryPreview, { ok: true }>> {
  return previewOf(await orderNameFormatFor(db, tenantId), await resolveNames(db, tenantId, orders, deps, goingLive), []);
}

function previewOf(format: { prefix: string; suffix: string }, resolved: Resolved[], refused: RefusedToken[]): Extract<RetryPreview, { ok: true }> {
  const verdicts = [...resolved.map((r) => r.verdict), ...refused.map(refusedVerdict)].map((v) => ({ ...v, outcome: outcomeOf(v) }));
  return {
    ok: true,
    format,
    verdicts,
    counts: countBy(verdicts.map((v) => v.verdict), ["found", "skipped", "not_found", "already_synced", "in_progress", "refused"]),
  };
}

const SKIP_WORDS: Record<SkipKind, string> = {
  test_order: "will be skipped: test order",
  before_start: "will be skipped: before the start date",
  cancelled: "cancelled in Shopify",
};

/** What confirming will really do with the order, as the preview's list says it. */
export function outcomeOf(verdict: RetryVerdict): string {
  switch (verdict.verdict) {
    case "found":
      return "will be sent";
    case "skipped":
      return SKIP_WORDS[verdict.reason];
    case "already_synced":
      return `already in vintrace as ${verdict.salesOrderCode ?? `sales order ${verdict.salesOrderId}`}`;
    case "in_progress":
      return "already queued";
    case "not_found":
      return "not found";
    case "refused":
      return "not an order name";
  }
}

/** The worker's own skip rules (skipReasonFor) on the order as Shopify has it now, with which rule applied. */
function skipVerdict(name: string, summary: OrderSummary, tenant: { syncOrdersCreatedAfter: Date }, syncTestOrders: boolean): RetryVerdict | null {
  const reason = skipReasonFor({ test: summary.test, created_at: summary.createdAt, cancelled_at: summary.cancelledAt }, tenant, syncTestOrders);
  if (!reason) return null;
  const kind: SkipKind =
    reason === REASONS.testOrder ? "test_order" : summary.cancelledAt && reason === REASONS.cancelled(summary.cancelledAt) ? "cancelled" : "before_start";
  return { name, verdict: "skipped", orderGid: summary.id, reason: kind, message: reason };
}

export async function confirmRetry(db: Db, tenantId: string, names: string[] | string, actor: Actor, deps: RetryDeps): Promise<RetryConfirmation> {
  const parsed = await parseForTenant(db, tenantId, Array.isArray(names) ? names.join("\n") : names);
  if (!parsed.ok) return parsed;
  return confirmResolved(db, tenantId, await resolveNames(db, tenantId, parsed.names, deps), parsed.refused, actor);
}

/**
 * Retries one known order, found in Shopify by its id rather than its name: two orders may share a name (a shop
 * that renamed its prefix, an import), and the one whose page the person is on is the one they mean.
 */
export async function confirmRetryOfOrder(db: Db, tenantId: string, order: KnownOrder, actor: Actor, deps: RetryDeps): Promise<RetryConfirmation> {
  return confirmRetryOfOrders(db, tenantId, [order], actor, deps);
}

/** Retries known orders, each found in Shopify by its id. */
export async function confirmRetryOfOrders(db: Db, tenantId: string, orders: KnownOrder[], actor: Actor, deps: RetryDeps): Promise<RetryConfirmation> {
  return confirmResolved(db, tenantId, await resolveNames(db, tenantId, orders, deps), [], actor);
}

async function confirmResolved(db: Db, tenantId: string, resolved: Resolved[], refused: RefusedToken[], actor: Actor): Promise<RetryConfirmation> {
  const parsed = { names: resolved.map((r) => r.verdict.name), refused };
  const queuedBy = `user:${actor.email}`;
  const results: RetryOutcome[] = [];
  for (const entry of resolved) results.push(await act(db, tenantId, queuedBy, entry));
  results.push(...parsed.refused.map((r) => ({ ...refusedVerdict(r), action: "none" as const })));

  const counts = countBy(results.map((r) => r.action), ["queued", "tag_queued", "none"]);
  if (counts.queued + counts.tag_queued > 0) await notifyOrderSyncDue(db, tenantId);
  await recordAudit(db, {
    action: "orders.retry",
    actor,
    tenantId,
    details: {
      requested: parsed.names.length,
      refused: parsed.refused.length,
      ...counts,
      orders: results.slice(0, 500).map((r) => ({ name: r.name, verdict: r.verdict, action: r.action })),
    },
  });
  return { ok: true, results, counts };
}

interface Resolved {
  verdict: RetryVerdict;
  summary: OrderSummary | null;
  record: OrderSync | null;
  /** what vintrace holds for an order we have no synced record of */
  inVintrace: { id: number; code: string | null } | null;
}

async function parseForTenant(db: Db, tenantId: string, text: string) {
  const format = await orderNameFormatFor(db, tenantId);
  const result = parseOrderNames(text, format);
  if (!result.ok) return { ok: false as const, error: result.error };
  return { ok: true as const, format, names: result.names, refused: result.refused };
}

const refusedVerdict = (refused: RefusedToken): RetryVerdict => ({ name: refused.token, verdict: "refused", message: refused.reason });

/** Each name, or one order by its id (`gid`) when the caller knows exactly which order it means. */
async function resolveNames(db: Db, tenantId: string, names: (string | KnownOrder)[], deps: RetryDeps, goingLive?: GoingLive): Promise<Resolved[]> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { shopify: true, vintrace: true } });
  const start = { syncOrdersCreatedAfter: goingLive?.startsAt ?? tenant.syncOrdersCreatedAfter };
  const status = goingLive ? "ACTIVE" : tenant.status;
  const admin = await deps.adminFor(tenantId);
  const canReadAllOrders = (tenant.shopify?.scopes ?? "").split(",").map((s) => s.trim()).includes("read_all_orders");
  const vintrace = deps.vintraceFor && tenant.vintrace ? await deps.vintraceFor(tenantId).catch(() => null) : null;

  return mapLimit(names, RESOLVE_CONCURRENCY, async (target): Promise<Resolved> => {
    const name = typeof target === "string" ? target : target.name;
    const summary = typeof target === "string" ? ((await admin.ordersByName(target))[0] ?? null) : await admin.orderById(target.gid);
    if (!summary && typeof target !== "string") {
      return { verdict: { name, verdict: "not_found", message: `Shopify no longer has order ${name}: it may have been deleted.` }, summary: null, record: null, inVintrace: null };
    }
    if (!summary) {
      const older = canReadAllOrders ? "" : " It may be older than 60 days: without the read_all_orders permission, Shopify only shows an app the last 60 days of orders.";
      return { verdict: { name, verdict: "not_found", message: `Shopify has no order named ${name}.${older}` }, summary: null, record: null, inVintrace: null };
    }
    const record = await db.orderSync.findUnique({ where: { tenantId_orderGid: { tenantId, orderGid: summary.id } } });
    const tagged = summary.tags.includes(SYNC_TAGS.created) && !summary.tags.includes(SYNC_TAGS.error);
    const base = { name, orderGid: summary.id };

    if (record?.status === "SYNCED" && record.vintraceSalesOrderId !== null) {
      const tagNeedsCorrection = !tagged && record.tagState !== "PENDING_CREATED";
      return {
        verdict: {
          ...base,
          verdict: "already_synced",
          salesOrderId: record.vintraceSalesOrderId,
          salesOrderCode: record.vintraceSalesOrderCode,
          tagNeedsCorrection,
          message: `Already in vintrace as ${record.vintraceSalesOrderCode ?? `sales order ${record.vintraceSalesOrderId}`}.${tagNeedsCorrection ? " Its Shopify tag will be corrected." : ""}`,
        },
        summary,
        record,
        inVintrace: null,
      };
    }
    if (record && inProgress(record)) {
      return { verdict: { ...base, verdict: "in_progress", message: inProgressMessage(record) }, summary, record, inVintrace: null };
    }

    // The worker applies its skip rules before it asks vintrace anything, and so does the preview.
    const skipped = skipVerdict(name, summary, start, tenant.vintrace?.syncTestOrders ?? false);
    if (skipped) return { verdict: skipped, summary, record, inVintrace: null };

    let note = "";
    if (vintrace && tenant.vintrace) {
      const externalId = externalTransactionIdForGid(tenant.shopDomain, summary.id);
      const found = await findSalesOrderByExternalId(vintrace, externalId, { orderDate: Date.parse(summary.createdAt), customerName: tenant.vintrace.customerName });
      if (found.ok && found.value) {
        const code = found.value.code;
        return {
          verdict: {
            ...base,
            verdict: "already_synced",
            salesOrderId: found.value.id,
            salesOrderCode: code,
            tagNeedsCorrection: !tagged,
            message: `vintrace already has it as ${code ?? `sales order ${found.value.id}`}; confirming records that${tagged ? "" : " and corrects its Shopify tag"}, without sending it again.`,
          },
          summary,
          record,
          inVintrace: { id: found.value.id, code },
        };
      }
      if (!found.ok) note = ` vintrace could not be asked whether it already has it (${found.error.message}); the worker asks again before sending.`;
    }
    const previously = record?.status === "SKIPPED" && record.statusReason ? ` It was ${record.statusReason.charAt(0).toLowerCase()}${record.statusReason.slice(1)}` : "";
    const held = HELD_WORDS[status] ?? "";
    return {
      verdict: { ...base, verdict: "found", message: `Will be sent to vintrace.${previously}${held}${note}`.replace(/\.\./g, ".") },
      summary,
      record,
      inVintrace: null,
    };
  });
}

/** What a retry does for a winery that is not live: the order is held, not sent. */
const HELD_WORDS: Partial<Record<TenantStatus, string>> = {
  PAUSED: " This winery is paused: the order will be held until syncing resumes.",
  SETUP: " This winery is still being set up: the order will be held until it starts sending orders.",
};

function inProgress(record: OrderSync): boolean {
  return isLeased(record, new Date()) || record.status === "PENDING";
}

const waitingForRetry = (record: OrderSync, now: Date) =>
  record.status === "PENDING" && record.nextAttemptAt !== null && record.nextAttemptAt > now && !isLeased(record, now);

function inProgressMessage(record: OrderSync): string {
  if (isLeased(record, new Date())) return "Being synced right now.";
  if (waitingForRetry(record, new Date()) && record.nextAttemptAt) {
    return `Already queued: attempt ${record.attempts} failed (${record.lastErrorMessage ?? "no details"}); the next try is at ${record.nextAttemptAt.toISOString()}. Confirming tries it now.`;
  }
  return "Already queued: the worker will send it shortly.";
}

/** The key the sync sends as externalTransactionId (externalTransactionIdFor, from an order's GID). */
export function externalTransactionIdForGid(shopDomain: string, orderGid: string): string {
  return `shopify:${shopDomain}:${orderGid.slice(orderGid.lastIndexOf("/") + 1)}`;
}

const startedMeanwhile = (verdict: RetryVerdict & { orderGid: string }): RetryOutcome => ({
  name: verdict.name,
  orderGid: verdict.orderGid,
  verdict: "in_progress",
  message: "Another sync of this order started meanwhile.",
  action: "none",
});

async function act(db: Db, tenantId: string, queuedBy: string, entry: Resolved): Promise<RetryOutcome> {
  const { verdict, summary, record } = entry;
  const now = new Date();
  if (verdict.verdict === "in_progress" && record && waitingForRetry(record, now)) {
    // Backing off after a failure: a person asking for it now gets it now.
    return { ...verdict, action: (await expedite(db, record.id, queuedBy, now)) ? "queued" : "none" };
  }
  if (!summary || verdict.verdict === "not_found" || verdict.verdict === "refused" || verdict.verdict === "in_progress" || verdict.verdict === "skipped") {
    return { ...verdict, action: "none" };
  }
  const manual: ManualOrder = { tenantId, order: { gid: summary.id, name: summary.name, createdAt: summary.createdAt }, record, queuedBy, now };

  if (verdict.verdict === "already_synced") {
    if (!verdict.tagNeedsCorrection && !entry.inVintrace) return { ...verdict, action: "none" };
    const written = await recordAlreadySynced(db, manual, {
      id: verdict.salesOrderId,
      code: verdict.salesOrderCode,
      found: entry.inVintrace !== null,
      tagNeedsCorrection: verdict.tagNeedsCorrection,
    });
    if (!written) return startedMeanwhile(verdict);
    return { ...verdict, action: verdict.tagNeedsCorrection ? "tag_queued" : "none" };
  }

  if (!(await requeueManually(db, manual))) return startedMeanwhile(verdict);
  return { ...verdict, action: "queued" };
}

function countBy<K extends string>(values: K[], keys: K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const value of values) counts[value]++;
  return counts;
}
