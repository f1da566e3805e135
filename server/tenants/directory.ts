// The wineries as the dashboard lists and reaches them: the ones a user may see, one winery's card, and the support
// team's directory of every winery with how it is connected (never a token or key), where wineries are added and
// their shops connected.
import "server-only";
import { visibleTenantIds } from "@/server/auth/access";
import type { CurrentUser } from "@/server/auth/current-user";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { Refused } from "@/server/lib/refused";
import { saveManualConnection } from "@/server/shopify/tokens";
import { createTenant } from "@/server/tenants/service";
import { setupProgress } from "@/lib/setup-steps";

const noSuchTenant = () => new Refused("NOT_FOUND", "No such winery.");

/** The wineries the user may see: every winery for support staff, their own for a winery's users. */
export function visibleTenants(db: Db, user: CurrentUser) {
  const ids = visibleTenantIds(user);
  return db.tenant.findMany({
    where: ids === null ? {} : { id: { in: ids } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, shopDomain: true, status: true, createdAt: true },
  });
}

/** One winery's card (the caller's access to it is checked by the caller's procedure). */
export async function tenant(db: Db, tenantId: string) {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, name: true, shopDomain: true, status: true, createdAt: true, syncOrdersCreatedAfter: true },
  });
  if (!tenant) throw noSuchTenant();
  return tenant;
}

/**
 * Every winery with how it is connected, how many users it has and, for one in setup, where it is in the setup
 * wizard and for how long, for the support team.
 */
export async function tenantDirectory(db: Db, now = new Date()) {
  const tenants = await db.tenant.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      shopDomain: true,
      status: true,
      createdAt: true,
      syncOrdersCreatedAfter: true,
      setupStep: true,
      setupStepSince: true,
      shopify: { select: { method: true, scopes: true, installedAt: true, revokedAt: true, subscriptionsCheckedAt: true, subscriptionsProblem: true } },
      vintrace: { select: { baseUrl: true, lastVerifiedAt: true } },
      _count: { select: { memberships: true } },
    },
  });
  return tenants.map(({ _count, setupStep, setupStepSince, ...t }) => ({
    ...t,
    users: _count.memberships,
    setup: setupProgress({ status: t.status, setupStep, setupStepSince }, now),
  }));
}

/** Adds a winery (its shop is connected afterwards, by OAuth or with a custom app's token). */
export async function addTenant(db: Db, input: { name: string; shopDomain: string }, actor: string) {
  const tenant = await createTenant(db, input, getEnv().outboundAllowlist, actor);
  return { id: tenant.id, name: tenant.name, shopDomain: tenant.shopDomain };
}

/** Connects a winery's shop with a custom app's Admin API token (and its webhook secret), stored encrypted. */
export async function connectShopManually(
  db: Db,
  input: { tenantId: string; accessToken: string; webhookSecret?: string },
  actor: { id: string; email: string },
): Promise<{ connected: true }> {
  const tenant = await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
  if (!tenant) throw noSuchTenant();
  await saveManualConnection(db, {
    tenantId: input.tenantId,
    accessToken: input.accessToken,
    webhookSecret: input.webhookSecret || undefined,
    scopes: "read_orders,write_orders,read_products",
    actor,
  });
  return { connected: true };
}

/** The OAuth install link for a shop: the merchant opens it and approves the app in Shopify. */
export function installLink(shopDomain: string): { path: string } {
  return { path: `/api/shopify/install?shop=${encodeURIComponent(shopDomain)}` };
}
