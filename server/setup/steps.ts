// The owner's setup wizard, step by step. A winery installed from Shopify starts in setup at the first step
// (Tenant.setupStep) and moves forward one step at a time as each is completed; the wizard can be left and reopened
// at any time and lands on that step. Going back to an earlier step makes it the current one again, so the steps
// after it are done again in order (what they checked may no longer hold). Every move is audited and stamps
// setupStepSince, which tells support how long a winery has been waiting at a step. Going live (go-live.ts) ends
// the wizard: the step is cleared.
import "server-only";
import { SETUP_STEPS, setupStepLabel } from "@/lib/setup-steps";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { Prisma, SetupStep, TenantStatus } from "@/server/generated/prisma/client";
import { Refused } from "@/server/lib/refused";
import type { Actor } from "@/server/tenants/pause";

export interface SetupState {
  tenantName: string;
  status: TenantStatus;
  /** the current step; null once the winery is live (or was never in setup) */
  step: SetupStep | null;
  stepSince: Date | null;
  /** orders stored and held until the winery goes live */
  heldOrders: number;
  /** "sync orders created after": older orders are never sent */
  syncOrdersCreatedAfter: Date;
}

type TenantStep = { status: TenantStatus; setupStep: SetupStep | null };

/** A winery in setup without a step (made before the wizard existed) is at its first step. */
const currentStep = (tenant: TenantStep): SetupStep | null => (tenant.status === "SETUP" ? (tenant.setupStep ?? "CONNECT") : null);

/** The steps in the wizard's order. */
const ORDER: SetupStep[] = SETUP_STEPS.map((s) => s.step);

const NOT_IN_SETUP = "This winery is not being set up any more: it already started sending orders.";

export async function setupState(db: Db, tenantId: string): Promise<SetupState> {
  const [tenant, heldOrders] = await Promise.all([
    db.tenant.findUnique({ where: { id: tenantId }, select: { name: true, status: true, setupStep: true, setupStepSince: true, syncOrdersCreatedAfter: true } }),
    db.orderSync.count({ where: { tenantId, status: "HELD" } }),
  ]);
  if (!tenant) throw new Refused("NOT_FOUND", "No such winery.");
  const step = currentStep(tenant);
  return {
    tenantName: tenant.name,
    status: tenant.status,
    step,
    stepSince: step ? tenant.setupStepSince : null,
    heldOrders,
    syncOrdersCreatedAfter: tenant.syncOrdersCreatedAfter,
  };
}

/** The winery's current step, refused unless it is in setup. */
async function stepOf(db: Pick<Prisma.TransactionClient, "tenant">, tenantId: string): Promise<SetupStep> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { status: true, setupStep: true } });
  if (!tenant) throw new Refused("NOT_FOUND", "No such winery.");
  const step = currentStep(tenant);
  if (!step) throw new Refused("BAD_REQUEST", NOT_IN_SETUP);
  return step;
}

/**
 * Moves the winery from step `from` (as read) to `to`, only if no one moved it meanwhile: two tabs, or the owner
 * and support at once, cannot both complete a step.
 */
async function move(tx: Prisma.TransactionClient, tenantId: string, from: SetupStep, to: SetupStep, now: Date): Promise<void> {
  const stored = from === "CONNECT" ? { OR: [{ setupStep: from }, { setupStep: null }] } : { setupStep: from };
  const { count } = await tx.tenant.updateMany({ where: { id: tenantId, status: "SETUP", ...stored }, data: { setupStep: to, setupStepSince: now } });
  if (count === 0) throw new Refused("BAD_REQUEST", "The setup moved on meanwhile (in another window, or by someone else): reload the page.");
}

/**
 * Completes `step`, the current one, and moves to the next; audited. The last step is completed by going live
 * (go-live.ts), never here.
 */
export async function completeStep(db: Db, tenantId: string, step: Exclude<SetupStep, "GO_LIVE">, actor: Actor, now = new Date()): Promise<SetupStep> {
  const next = ORDER[ORDER.indexOf(step) + 1];
  await db.$transaction(async (tx) => {
    const current = await stepOf(tx, tenantId);
    if (current !== step) throw new Refused("BAD_REQUEST", `This is not the current setup step: the winery is at "${setupStepLabel(current)}".`);
    await move(tx, tenantId, current, next, now);
    await recordAudit(tx, { action: "setup.step_completed", actor, tenantId, details: { step, next } });
  });
  return next;
}

/** Goes back to an earlier step, which becomes the current one again; audited. Going back to the current step changes nothing. */
export async function reopenStep(db: Db, tenantId: string, step: SetupStep, actor: Actor, now = new Date()): Promise<SetupStep> {
  return db.$transaction(async (tx) => {
    const current = await stepOf(tx, tenantId);
    if (current === step) return step;
    if (ORDER.indexOf(step) > ORDER.indexOf(current)) {
      throw new Refused("BAD_REQUEST", `Finish "${setupStepLabel(current)}" first: the steps are done in order.`);
    }
    await move(tx, tenantId, current, step, now);
    await recordAudit(tx, { action: "setup.step_reopened", actor, tenantId, details: { step, from: current } });
    return step;
  });
}
