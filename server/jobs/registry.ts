// The scheduled jobs: each names the feature it runs, how often (its window) and for which scopes. The features
// (sync reconciliation and retention, Shopify subscriptions, alerts, the product check) know nothing of scheduling.
import "server-only";
import { hostname } from "node:os";
import { alertDepsFromEnv, runAlertCycle } from "@/server/alerts/cycle";
import { requestProductCheck } from "@/server/products/check";
import type { Db } from "@/server/db";
import type { Prisma, TenantStatus } from "@/server/generated/prisma/client";
import { getEnv } from "@/server/env";
import { ensureWebhookSubscriptions } from "@/server/shopify/subscriptions";
import type { SyncDeps } from "@/server/sync/context";
import { reconcileTenant } from "@/server/sync/reconcile";
import { purgeExpiredData } from "@/server/sync/retention";

export interface JobDefinition {
  name: string;
  /** the length of one window: the job runs at most once per window and scope */
  windowMs: number;
  /** the scopes it runs for: tenant ids, or ["all"] */
  scopes(db: Db): Promise<string[]>;
  run(deps: SyncDeps, scope: string): Promise<unknown>;
}

const MINUTE_MS = 60_000;

/**
 * Connected wineries in these states. Reconciliation asks for live ones only: a winery in setup holds the orders its
 * webhooks bring, and once it goes live the next pass looks back its usual days for any whose webhook never came.
 * Its webhook subscriptions and its product check already matter while it is being set up.
 */
async function connectedTenants(db: Db, statuses: TenantStatus[], where: Prisma.TenantWhereInput = {}): Promise<string[]> {
  const tenants = await db.tenant.findMany({
    where: { status: { in: statuses }, shopify: { is: { revokedAt: null } }, ...where },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return tenants.map((t) => t.id);
}

const activeShopTenants = (db: Db) => connectedTenants(db, ["ACTIVE"]);

export function reconcileJob(intervalMinutes = getEnv().RECONCILE_INTERVAL_MINUTES): JobDefinition {
  return {
    name: "reconcile",
    windowMs: intervalMinutes * MINUTE_MS,
    scopes: activeShopTenants,
    run: (deps, tenantId) => reconcileTenant(deps, tenantId, { now: deps.now() }),
  };
}

export function retentionJob(retentionDays = getEnv().RETENTION_DAYS): JobDefinition {
  return {
    name: "retention",
    windowMs: 24 * 60 * MINUTE_MS,
    scopes: async () => ["all"],
    run: (deps) => purgeExpiredData(deps.db, retentionDays, deps.now()),
  };
}

/** Hourly: a shop connected by a custom-app token gets back the subscriptions Shopify dropped; an OAuth-installed shop (subscribed by shopify.app.toml) loses any shop-specific duplicates. */
export function webhookCheckJob(): JobDefinition {
  return {
    name: "webhook-check",
    windowMs: 60 * MINUTE_MS,
    scopes: (db) => connectedTenants(db, ["ACTIVE", "SETUP"]),
    run: (deps, tenantId) => ensureWebhookSubscriptions(deps.db, tenantId),
  };
}

/**
 * Failure alerts, every minute: immediate alerts and silence warnings are sent once per condition (an
 * atomic state change), and the 15-minute digests claim their own (winery, window) rows inside the cycle.
 */
export function alertsJob(): JobDefinition {
  return {
    name: "alerts",
    windowMs: MINUTE_MS,
    scopes: async () => ["all"],
    run: (deps) => runAlertCycle(deps.db, deps.now(), alertDepsFromEnv(`${hostname()}:${process.pid}`)),
  };
}

/**
 * The product-match check, nightly for each connected winery with vintrace settings, live or being set up (so an
 * owner sees unmatched products before going live): queued as a run, which a worker's product check runner performs
 * (jobs/product-checks.ts), so the check never holds up this job's loop. A run already open for the winery (someone
 * clicked "Run check") is joined.
 */
export function productCheckJob(): JobDefinition {
  return {
    name: "product-check",
    windowMs: 24 * 60 * MINUTE_MS,
    scopes: (db) => connectedTenants(db, ["ACTIVE", "SETUP"], { vintrace: { isNot: null } }),
    run: (deps, tenantId) => requestProductCheck(deps.db, tenantId, "nightly"),
  };
}

export const defaultJobs = (): JobDefinition[] => [reconcileJob(), retentionJob(), webhookCheckJob(), alertsJob(), productCheckJob()];
