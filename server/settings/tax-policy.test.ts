// The tax policy against vintrace's own word on it: the first sales order vintrace returns fills a policy nobody
// chose, once; a policy somebody chose is never overridden; a reply that disagrees warns on Overview and Settings
// until the one-click switch takes vintrace's. Real PostgreSQL, both simulators, the worker and the tRPC routers.
import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { setTestEnv } from "@/test/env";
import { testSeed } from "@/test/support/vintrace";
import { runUntilIdle, startSyncWorldForFile, uniqueLabel } from "@/test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
setTestEnv({ OUTBOUND_ALLOWLIST: world.vintraceSim.url });

// Two price lists with the same prices: which one the winery sends on decides what vintrace reports.
const seed = {
  priceLists: [
    { id: 7, name: "Retail Inclusive", taxPolicy: "Tax Inclusive" as const, prices: { "21SHZ750": 35 } },
    { id: 8, name: "Retail Exclusive", taxPolicy: "Tax Exclusive" as const, prices: { "21SHZ750": 35 } },
  ],
};

async function member(tenantId: string, role: "OWNER" | "STAFF"): Promise<CurrentUser> {
  const user = await db.user.create({ data: { email: `${uniqueLabel(role.toLowerCase())}@winery.test`, memberships: { create: { tenantId, role } } } });
  return { id: user.id, email: user.email, name: null, role: "MERCHANT", tenantIds: [tenantId], ownerOf: role === "OWNER" ? [tenantId] : [] };
}

const caller = (user: CurrentUser) => createCaller({ db, user });
const taxFields = (tenantId: string) =>
  db.vintraceSettings.findUniqueOrThrow({ where: { tenantId }, select: { taxPolicy: true, taxPolicySetAt: true, vintraceTaxPolicy: true, vintraceTaxPolicyAt: true } });
const auditActions = async (tenantId: string) =>
  (await db.auditEvent.findMany({ where: { tenantId, action: { startsWith: "settings." } }, orderBy: { createdAt: "asc" } })).map((e) => e.action);
const taxWarnings = async (user: CurrentUser, tenantId: string) =>
  (await caller(user).overview.get({ tenantId })).tenants[0].warnings.filter((w) => w.kind === "TAX_POLICY");

async function syncOne(tenant: { tenantId: string; placeOrder: () => Promise<unknown> }) {
  await tenant.placeOrder();
  expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
}

describe("the tax policy from vintrace's replies", () => {
  it("the first reply fills a policy nobody chose, once; a later disagreement warns, and the switch clears it", async () => {
    const tenant = await world.addTenant({ seed: testSeed(seed), settings: { salesPriceList: "Retail Exclusive" } });
    const owner = await member(tenant.tenantId, "OWNER");
    const staff = await member(tenant.tenantId, "STAFF");
    expect((await taxFields(tenant.tenantId)).taxPolicySetAt).toBeNull();

    await syncOne(tenant);
    const adopted = await taxFields(tenant.tenantId);
    expect(adopted).toMatchObject({ taxPolicy: "EXCLUSIVE", vintraceTaxPolicy: "EXCLUSIVE" });
    expect(adopted.taxPolicySetAt).toBeInstanceOf(Date);
    expect(await auditActions(tenant.tenantId)).toEqual(["settings.tax_policy_from_vintrace"]);
    expect(await taxWarnings(owner, tenant.tenantId)).toEqual([]);

    // Orders now go on a tax-inclusive price list: the policy chosen stays, vintrace's word is remembered.
    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { salesPriceList: "Retail Inclusive" } });
    await syncOne(tenant);
    const disagreeing = await taxFields(tenant.tenantId);
    expect(disagreeing).toMatchObject({ taxPolicy: "EXCLUSIVE", vintraceTaxPolicy: "INCLUSIVE", taxPolicySetAt: adopted.taxPolicySetAt });
    expect(await auditActions(tenant.tenantId)).toEqual(["settings.tax_policy_from_vintrace"]);

    const [warning] = await taxWarnings(owner, tenant.tenantId);
    expect(warning.message).toMatch(/vintrace says its price list's prices include tax, but Settings say they exclude tax/);
    expect(warning.href).toContain("/settings");
    const view = await caller(owner).settings.get({ tenantId: tenant.tenantId });
    expect(view.taxPolicyMismatch).toMatchObject({ settings: "EXCLUSIVE", vintrace: "INCLUSIVE", message: warning.message });

    // Owners only: the switch changes how every order is priced.
    await expect(caller(staff).settings.useVintraceTaxPolicy({ tenantId: tenant.tenantId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await caller(owner).settings.useVintraceTaxPolicy({ tenantId: tenant.tenantId })).toMatchObject({ switched: true, taxPolicy: "INCLUSIVE" });
    expect((await taxFields(tenant.tenantId)).taxPolicy).toBe("INCLUSIVE");
    expect(await taxWarnings(owner, tenant.tenantId)).toEqual([]);
    expect((await caller(owner).settings.get({ tenantId: tenant.tenantId })).taxPolicyMismatch).toBeNull();
    const switched = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, action: "settings.tax_policy_switched" } });
    expect(switched.actorEmail).toBe(owner.email);
    expect(switched.details).toEqual({ changes: [{ field: "taxPolicy", from: "EXCLUSIVE", to: "INCLUSIVE" }] });
    // Switching again has nothing to do.
    expect(await caller(owner).settings.useVintraceTaxPolicy({ tenantId: tenant.tenantId })).toEqual({ switched: false, taxPolicy: "INCLUSIVE" });
  });

  it("vintrace confirming the default settles the policy quietly: nothing changed, so nothing is audited", async () => {
    const tenant = await world.addTenant({ seed: testSeed(seed) });
    await syncOne(tenant);
    const settled = await taxFields(tenant.tenantId);
    expect(settled).toMatchObject({ taxPolicy: "INCLUSIVE", vintraceTaxPolicy: "INCLUSIVE" });
    expect(settled.taxPolicySetAt).toBeInstanceOf(Date);
    expect(await auditActions(tenant.tenantId)).toEqual([]);
  });

  it("never overrides a policy somebody set; it only warns", async () => {
    const chosenAt = new Date(Date.now() - 60_000);
    const tenant = await world.addTenant({ seed: testSeed(seed), settings: { salesPriceList: "Retail Exclusive", taxPolicy: "INCLUSIVE", taxPolicySetAt: chosenAt } });
    const owner = await member(tenant.tenantId, "OWNER");
    await syncOne(tenant);
    expect(await taxFields(tenant.tenantId)).toMatchObject({ taxPolicy: "INCLUSIVE", taxPolicySetAt: chosenAt, vintraceTaxPolicy: "EXCLUSIVE" });
    expect(await auditActions(tenant.tenantId)).toEqual([]);
    expect(await taxWarnings(owner, tenant.tenantId)).toHaveLength(1);
  });

  it("saving another tax policy in Settings settles it, so vintrace's first reply no longer fills it", async () => {
    const tenant = await world.addTenant({ seed: testSeed(seed), settings: { salesPriceList: "Retail Exclusive" } });
    const owner = await member(tenant.tenantId, "OWNER");
    const view = await caller(owner).settings.get({ tenantId: tenant.tenantId });
    expect(view.taxPolicySetAt).toBeNull();
    const { tenantId, tenantName: _n, tenantStatus: _s, syncOrdersCreatedAfter: _d, configured: _c, apiKey: _k, lastVerifiedAt: _v, lastVerification: _l, updatedAt: _u, taxPolicySetAt: _t, taxPolicyMismatch: _m, canChangeConnection: _o, ...settings } = view;
    // Saving without touching the policy chooses nothing.
    await caller(owner).settings.save({ tenantId, ...settings, currency: "NZD" });
    expect((await taxFields(tenantId)).taxPolicySetAt).toBeNull();
    await caller(owner).settings.save({ tenantId, ...settings, taxPolicy: "EXCLUSIVE" });
    expect((await taxFields(tenantId)).taxPolicySetAt).toBeInstanceOf(Date);
    await caller(owner).settings.save({ tenantId, ...settings, taxPolicy: "INCLUSIVE" });
    await db.vintraceSettings.update({ where: { tenantId }, data: { currency: "AUD" } });
    await syncOne(tenant);
    expect(await taxFields(tenantId)).toMatchObject({ taxPolicy: "INCLUSIVE", vintraceTaxPolicy: "EXCLUSIVE" });
  });
});

describe("the sync start date in Settings", () => {
  it("is saved through the settings router, audited, and checked like the CLI's --start-date", async () => {
    const tenant = await world.addTenant();
    const staff = await member(tenant.tenantId, "STAFF");
    expect(await caller(staff).settings.saveSyncStart({ tenantId: tenant.tenantId, startDate: "2026-01-15" })).toEqual({
      changed: true,
      syncOrdersCreatedAfter: new Date("2026-01-15T00:00:00Z"),
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).syncOrdersCreatedAfter).toEqual(new Date("2026-01-15T00:00:00Z"));
    expect((await caller(staff).settings.get({ tenantId: tenant.tenantId })).syncOrdersCreatedAfter).toEqual(new Date("2026-01-15T00:00:00Z"));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, action: "settings.changed" } });
    expect(audit.details).toMatchObject({ changes: [{ field: "syncOrdersCreatedAfter", to: "2026-01-15T00:00:00.000Z" }] });
    expect((await caller(staff).settings.saveSyncStart({ tenantId: tenant.tenantId, startDate: "2026-01-15" })).changed).toBe(false);
    await expect(caller(staff).settings.saveSyncStart({ tenantId: tenant.tenantId, startDate: "2026-02-30" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller(staff).settings.saveSyncStart({ tenantId: tenant.tenantId, startDate: "15/01/2026" })).rejects.toThrow(/2024-07-01/);
  });
});
