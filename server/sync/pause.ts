// Pausing a winery: while paused, its deliveries are stored and held (the intake writes them HELD, and whatever
// was still waiting is held here), nothing is sent to vintrace, and the claim skips the winery. Resuming puts the
// held orders back in the queue and wakes the workers, which then work through the backlog in fair turns with
// every other winery. Both are audited.
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { UTC_NOW } from "@/server/lib/sqlTime";
import { notifyOrderSyncDue } from "./notify";

export interface Actor {
  email: string;
  id?: string | null;
}

export const PAUSED_REASON = "Held: syncing is paused for this winery. Resume it to send this order.";

export interface PauseResult {
  status: "PAUSED" | "ACTIVE";
  /** orders moved (held on pause, queued on resume) */
  orders: number;
  changed: boolean;
}

export async function pauseTenant(db: Db, tenantId: string, actor: Actor, reason?: string): Promise<PauseResult> {
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (tenant.status === "UNINSTALLED") throw new Error("This winery's shop is uninstalled; there is nothing to pause.");
    if (tenant.status === "PAUSED") return { status: "PAUSED" as const, orders: 0, changed: false };
    await tx.tenant.update({ where: { id: tenantId }, data: { status: "PAUSED" } });
    // Records in a worker's hands finish their current step; the rest wait.
    const held = await tx.orderSync.updateMany({
      where: { tenantId, status: "PENDING", OR: [{ leaseUntil: null }, { leaseUntil: { lte: new Date() } }] },
      data: { status: "HELD", statusReason: PAUSED_REASON, nextAttemptAt: null },
    });
    await recordAudit(tx, { action: "tenant.paused", actor, tenantId, details: { held: held.count, reason: reason ?? null } });
    return { status: "PAUSED" as const, orders: held.count, changed: true };
  });
}

export async function resumeTenant(db: Db, tenantId: string, actor: Actor): Promise<PauseResult> {
  const result = await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (tenant.status === "UNINSTALLED") throw new Error("This winery's shop is uninstalled; reinstall the app before resuming.");
    const changed = tenant.status === "PAUSED";
    if (changed) await tx.tenant.update({ where: { id: tenantId }, data: { status: "ACTIVE" } });
    const queued = await queueHeld(tx, tenantId);
    await recordAudit(tx, { action: "tenant.resumed", actor, tenantId, details: { queued } });
    return { status: "ACTIVE" as const, orders: queued, changed };
  });
  if (result.orders > 0) await notifyOrderSyncDue(db, tenantId);
  return result;
}

/**
 * Queues a winery's held orders (after a resume, or a reinstall once the tenant is active again). The oldest
 * order first, in its original order, since the worker takes each winery's records by nextAttemptAt.
 */
export async function releaseHeldOrders(db: Db, tenantId: string): Promise<number> {
  const count = await db.$transaction((tx) => queueHeld(tx, tenantId));
  if (count > 0) await notifyOrderSyncDue(db, tenantId);
  return count;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function queueHeld(tx: Tx, tenantId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE "OrderSync"
    SET status = 'PENDING', "statusReason" = NULL, "nextAttemptAt" = COALESCE("orderCreatedAt", "createdAt"), "updatedAt" = ${UTC_NOW}
    WHERE "tenantId" = ${tenantId} AND status = 'HELD'`;
}
