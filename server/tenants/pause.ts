// Pausing a winery: while paused, its deliveries are stored and held (the intake writes them HELD, and whatever
// was still waiting is held here), nothing is sent to vintrace, and the claim skips the winery. Resuming puts the
// held orders back in the queue and wakes the workers, which then work through the backlog in fair turns with
// every other winery. Both are audited. A winery still in setup is neither: its orders are held until it goes live
// (go-live.ts), and a resume must not send them before that.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { holdQueued, notifyOrderSyncDue, releaseHeld } from "../sync/queue";

export interface Actor {
  email: string;
  id?: string | null;
}

export interface PauseResult {
  status: "PAUSED" | "ACTIVE";
  /** orders moved (held on pause, queued on resume) */
  orders: number;
  changed: boolean;
}

const NOT_LIVE = "This winery is still being set up: its orders are held until it starts sending orders (Settings).";

export async function pauseTenant(db: Db, tenantId: string, actor: Actor, reason?: string): Promise<PauseResult> {
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (tenant.status === "UNINSTALLED") throw new Error("This winery's shop is uninstalled; there is nothing to pause.");
    if (tenant.status === "SETUP") throw new Error(NOT_LIVE);
    if (tenant.status === "PAUSED") return { status: "PAUSED" as const, orders: 0, changed: false };
    await tx.tenant.update({ where: { id: tenantId }, data: { status: "PAUSED" } });
    const held = await holdQueued(tx, tenantId, new Date());
    await recordAudit(tx, { action: "tenant.paused", actor, tenantId, details: { held, reason: reason ?? null } });
    return { status: "PAUSED" as const, orders: held, changed: true };
  });
}

export async function resumeTenant(db: Db, tenantId: string, actor: Actor): Promise<PauseResult> {
  const result = await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (tenant.status === "UNINSTALLED") throw new Error("This winery's shop is uninstalled; reinstall the app before resuming.");
    if (tenant.status === "SETUP") throw new Error(NOT_LIVE);
    const changed = tenant.status === "PAUSED";
    if (changed) await tx.tenant.update({ where: { id: tenantId }, data: { status: "ACTIVE" } });
    const queued = await releaseHeld(tx, tenantId);
    await recordAudit(tx, { action: "tenant.resumed", actor, tenantId, details: { queued } });
    return { status: "ACTIVE" as const, orders: queued, changed };
  });
  if (result.orders > 0) await notifyOrderSyncDue(db, tenantId);
  return result;
}
