// Going live: a winery installed from Shopify waits in setup (its orders stored and held) until an owner or support
// starts sending orders. That is allowed once vintrace accepts the saved settings: they are tested right here, so a
// test that passed before a later save cannot let orders out to a connection that no longer works. Going live sets
// the winery active, ends the setup wizard, and deals with what arrived meanwhile as the owner chose:
//   - the orders held during setup are sent (queued, as a resume does), or skipped with the reason said plainly;
//   - the shop's orders since a chosen date are sent too, found in Shopify and queued as the bulk retry queues them
//     (the start date moves back to that date if it was later, or the worker would skip them).
// It is audited. The CLI's `tenant:set --go-live` sends the held orders, as going live always did.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { confirmRetryOfOrders, previewRetryOfOrders, type KnownOrder, type RetryDeps, type RetryPreview } from "@/server/orders/bulk-retry";
import { retryDeps } from "@/server/orders/retry";
import { saveSyncStart, testConnection } from "@/server/settings/service";
import { ordersSince } from "@/server/setup/shop-orders";
import type { SettingsVerification } from "@/server/vintrace";
import { notifyOrderSyncDue, releaseHeld, skipHeldAtGoLive } from "../sync/queue";
import type { Actor } from "./pause";

export interface GoLiveResult {
  status: "ACTIVE";
  /** held orders queued */
  orders: number;
  /** held orders skipped, as the owner chose */
  skipped: number;
  /** orders of the chosen dates we held no record of, found in Shopify and queued */
  fetched: number;
  /** false: it was live already */
  changed: boolean;
}

/** What happens to the orders that came before going live. */
export interface GoLiveChoices {
  /** send the orders held during setup; false skips them */
  sendHeld: boolean;
  /** also send the shop's orders created since then */
  since: Date | null;
}

/** As going live always did: the held orders are sent, nothing older is fetched. */
export const SEND_HELD: GoLiveChoices = { sendHeld: true, since: null };

/** The most orders going live fetches from Shopify by date: a date further back is for the bulk retry, in batches. */
export const MAX_ORDERS_SINCE = 500;

/** Refused in words the owner can act on. */
export class GoLiveRefused extends Error {}

/** Why vintrace does not accept the winery's saved settings (with its verdicts when it was asked), or null when it does. */
export async function savedConnectionProblem(db: Db, tenantId: string, allowlist: string[]): Promise<{ problem: string; verification: SettingsVerification | null } | null> {
  const saved = await db.vintraceSettings.findUnique({ where: { tenantId }, select: { tenantId: true } });
  if (!saved) return { problem: "Connect vintrace first: save its address, API key and customer.", verification: null };
  const tested = await testConnection(db, tenantId, {}, { allowlist, mayChangeConnection: true });
  if (!tested.ok) return { problem: "The saved vintrace settings are incomplete: fix them, then try again.", verification: null };
  if (tested.verification.ok) return null;
  const problem = tested.verification.checks.find((c) => c.status === "error")?.message ?? "vintrace refused them";
  return { problem: `vintrace does not accept the saved settings yet (${problem}). Fix them, then try again.`, verification: tested.verification };
}

async function requireWorkingConnection(db: Db, tenantId: string, allowlist: string[]): Promise<void> {
  const refusal = await savedConnectionProblem(db, tenantId, allowlist);
  if (refusal) throw new GoLiveRefused(refusal.problem);
}

async function requireSetup(db: Db, tenantId: string): Promise<{ live: boolean; syncOrdersCreatedAfter: Date }> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true, syncOrdersCreatedAfter: true } });
  if (tenant.status === "ACTIVE") return { live: true, syncOrdersCreatedAfter: tenant.syncOrdersCreatedAfter };
  if (tenant.status !== "SETUP") throw new GoLiveRefused(`This winery is ${tenant.status.toLowerCase()}, not being set up: there is nothing to start.`);
  return { live: false, syncOrdersCreatedAfter: tenant.syncOrdersCreatedAfter };
}

/** The shop's orders since the chosen date, refused when there are more than going live sends at once. */
async function shopOrdersSince(tenantId: string, since: Date, deps: RetryDeps): Promise<KnownOrder[]> {
  const { orders, more } = await ordersSince(await deps.adminFor(tenantId), since, MAX_ORDERS_SINCE);
  if (more) {
    throw new GoLiveRefused(`The shop has more than ${MAX_ORDERS_SINCE} orders since ${since.toISOString().slice(0, 10)}: choose a later date, and send older orders with the bulk retry afterwards.`);
  }
  return orders.map((o) => ({ gid: o.id, name: o.name }));
}

/** The orders going live would send as the owner chose: the held ones and those since the date, each once. */
async function ordersToSend(db: Db, tenantId: string, choices: GoLiveChoices, deps: RetryDeps): Promise<{ send: KnownOrder[]; byDate: KnownOrder[] }> {
  const held = choices.sendHeld
    ? (await db.orderSync.findMany({ where: { tenantId, status: "HELD" }, orderBy: { orderCreatedAt: "asc" }, select: { orderGid: true, orderName: true } })).map((r) => ({
        gid: r.orderGid,
        name: r.orderName,
      }))
    : [];
  const byDate = choices.since ? await shopOrdersSince(tenantId, choices.since, deps) : [];
  const seen = new Set(held.map((o) => o.gid));
  return { send: [...held, ...byDate.filter((o) => !seen.has(o.gid))], byDate };
}

export interface GoLivePreview {
  /** what would happen to each order sent, as the bulk retry's preview says it */
  preview: Extract<RetryPreview, { ok: true }>;
  /** held orders that would be skipped */
  skipped: number;
}

/** The start date the orders are sent under: moved back to the chosen date, or the worker would skip them. */
const startAfterGoLive = (start: Date, choices: GoLiveChoices): Date => (choices.since && choices.since < start ? choices.since : start);

/** Before the confirm: what going live with these choices would send, read-only. */
export async function previewGoLive(db: Db, tenantId: string, choices: GoLiveChoices, deps: RetryDeps = retryDeps(db)): Promise<GoLivePreview> {
  const tenant = await requireSetup(db, tenantId);
  const { send, byDate } = await ordersToSend(db, tenantId, choices, deps);
  const skipped = choices.sendHeld ? 0 : await db.orderSync.count({ where: { tenantId, status: "HELD", orderGid: { notIn: byDate.map((o) => o.gid) } } });
  return { preview: await previewRetryOfOrders(db, tenantId, send, deps, { startsAt: startAfterGoLive(tenant.syncOrdersCreatedAfter, choices) }), skipped };
}

export async function goLive(
  db: Db,
  tenantId: string,
  actor: Actor,
  options: { allowlist: string[]; choices?: GoLiveChoices; retry?: RetryDeps },
): Promise<GoLiveResult> {
  const choices = options.choices ?? SEND_HELD;
  const unchanged = { status: "ACTIVE" as const, orders: 0, skipped: 0, fetched: 0, changed: false };
  const tenant = await requireSetup(db, tenantId);
  if (tenant.live) return unchanged;
  await requireWorkingConnection(db, tenantId, options.allowlist);
  const deps = options.retry ?? retryDeps(db);
  const byDate = choices.since ? await shopOrdersSince(tenantId, choices.since, deps) : [];
  const known = new Set((await db.orderSync.findMany({ where: { tenantId, orderGid: { in: byDate.map((o) => o.gid) } }, select: { orderGid: true } })).map((r) => r.orderGid));
  const start = startAfterGoLive(tenant.syncOrdersCreatedAfter, choices);
  if (start !== tenant.syncOrdersCreatedAfter) await saveSyncStart(db, tenantId, start, actor);

  const result = await db.$transaction(async (tx) => {
    // Only from setup: a second click, or one racing an uninstall, changes nothing.
    const { count } = await tx.tenant.updateMany({ where: { id: tenantId, status: "SETUP" }, data: { status: "ACTIVE", setupStep: null, setupStepSince: null } });
    if (count === 0) return null;
    // Not chosen: held orders are skipped, except those of the chosen dates, which are sent with the others.
    const skipped = choices.sendHeld ? 0 : await skipHeldAtGoLive(tx, tenantId, byDate.map((o) => o.gid));
    const queued = await releaseHeld(tx, tenantId);
    const since = choices.since?.toISOString() ?? null;
    await recordAudit(tx, { action: "setup.step_completed", actor, tenantId, details: { step: "GO_LIVE", next: null } });
    await recordAudit(tx, { action: "tenant.went_live", actor, tenantId, details: { queued, skipped, sendHeld: choices.sendHeld, since } });
    return { status: "ACTIVE" as const, orders: queued, skipped, fetched: 0, changed: true };
  });
  if (!result) {
    const now = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true } });
    if (now.status === "ACTIVE") return unchanged;
    throw new GoLiveRefused(`This winery became ${now.status.toLowerCase()} meanwhile: nothing was started.`);
  }
  if (result.orders > 0) await notifyOrderSyncDue(db, tenantId);
  // Orders of the chosen dates that never reached us (before the install, or a lost webhook): sent as the bulk retry sends them.
  const fresh = byDate.filter((o) => !known.has(o.gid));
  if (fresh.length === 0) return result;
  const sent = await confirmRetryOfOrders(db, tenantId, fresh, actor, deps);
  return { ...result, fetched: sent.ok ? sent.counts.queued : 0 };
}

/** Whether the winery has ever gone live: a winery made by an install starts in setup, every other one was live. */
export async function everWentLive(db: Pick<Prisma.TransactionClient, "auditEvent">, tenantId: string): Promise<boolean> {
  const [startedInSetup, wentLive] = await Promise.all([
    db.auditEvent.findFirst({ where: { tenantId, action: "shopify.installed", details: { path: ["status"], equals: "SETUP" } }, select: { id: true } }),
    db.auditEvent.findFirst({ where: { tenantId, action: "tenant.went_live" }, select: { id: true } }),
  ]);
  return !startedInSetup || wentLive !== null;
}
