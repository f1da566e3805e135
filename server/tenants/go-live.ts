// Going live: a winery installed from Shopify waits in setup (its orders stored and held) until an owner or support
// starts sending orders. That is allowed once vintrace accepts the saved settings: they are tested right here, so a
// test that passed before a later save cannot let orders out to a connection that no longer works. Going live sets
// the winery active and queues the held orders, as a resume does; it is audited.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { testConnection } from "@/server/settings/service";
import { notifyOrderSyncDue, releaseHeld } from "../sync/queue";
import type { Actor } from "./pause";

export interface GoLiveResult {
  status: "ACTIVE";
  /** held orders queued */
  orders: number;
  /** false: it was live already */
  changed: boolean;
}

/** Refused in words the owner can act on. */
export class GoLiveRefused extends Error {}

/** Tests the saved vintrace settings; throws GoLiveRefused unless vintrace accepts them. */
async function requireWorkingConnection(db: Db, tenantId: string, allowlist: string[]): Promise<void> {
  const saved = await db.vintraceSettings.findUnique({ where: { tenantId }, select: { tenantId: true } });
  if (!saved) throw new GoLiveRefused("Connect vintrace first: save its address, API key and customer in Settings.");
  const tested = await testConnection(db, tenantId, {}, { allowlist, mayChangeConnection: true });
  if (!tested.ok) throw new GoLiveRefused("The saved vintrace settings are incomplete: fix them in Settings, then try again.");
  if (!tested.verification.ok) {
    const problem = tested.verification.checks.find((c) => c.status === "error")?.message ?? "vintrace refused them";
    throw new GoLiveRefused(`vintrace does not accept the saved settings yet (${problem}). Fix them in Settings, then try again.`);
  }
}

export async function goLive(db: Db, tenantId: string, actor: Actor, options: { allowlist: string[] }): Promise<GoLiveResult> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true } });
  if (tenant.status === "ACTIVE") return { status: "ACTIVE", orders: 0, changed: false };
  if (tenant.status !== "SETUP") throw new GoLiveRefused(`This winery is ${tenant.status.toLowerCase()}, not being set up: there is nothing to start.`);
  await requireWorkingConnection(db, tenantId, options.allowlist);

  const result = await db.$transaction(async (tx) => {
    // Only from setup: a second click, or one racing an uninstall, changes nothing.
    const { count } = await tx.tenant.updateMany({ where: { id: tenantId, status: "SETUP" }, data: { status: "ACTIVE" } });
    if (count === 0) return null;
    const queued = await releaseHeld(tx, tenantId);
    await recordAudit(tx, { action: "tenant.went_live", actor, tenantId, details: { queued } });
    return { status: "ACTIVE" as const, orders: queued, changed: true };
  });
  if (!result) {
    const now = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true } });
    if (now.status === "ACTIVE") return { status: "ACTIVE", orders: 0, changed: false };
    throw new GoLiveRefused(`This winery became ${now.status.toLowerCase()} meanwhile: nothing was started.`);
  }
  if (result.orders > 0) await notifyOrderSyncDue(db, tenantId);
  return result;
}

/** Whether the winery has ever gone live: a winery made by an install starts in setup, every other one was live. */
export async function everWentLive(db: Pick<Prisma.TransactionClient, "auditEvent">, tenantId: string): Promise<boolean> {
  const [startedInSetup, wentLive] = await Promise.all([
    db.auditEvent.findFirst({ where: { tenantId, action: "shopify.installed", details: { path: ["status"], equals: "SETUP" } }, select: { id: true } }),
    db.auditEvent.findFirst({ where: { tenantId, action: "tenant.went_live" }, select: { id: true } }),
  ]);
  return !startedInSetup || wentLive !== null;
}
