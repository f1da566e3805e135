// The claim against the real database: fair turns across wineries, the per-winery limit across workers, leases
// that lapse when a worker dies, and a lease that is no longer ours fencing every write.
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { claimDueSyncs, holdLease, releaseLeases, renewLeases, writeFenced } from "./queue";
import { uniqueLabel } from "../../test/support/sync";

const db = createPrisma();
afterAll(() => db.$disconnect());

async function tenantWith(pending: number, status: "ACTIVE" | "PAUSED" = "ACTIVE") {
  const label = uniqueLabel("claim");
  const tenant = await db.tenant.create({ data: { name: label, shopDomain: `${label}.myshopify.com`, status } });
  const base = Date.now() - 60_000;
  await db.orderSync.createMany({
    data: Array.from({ length: pending }, (_, i) => ({
      tenantId: tenant.id,
      orderGid: `gid://shopify/Order/${i + 1}`,
      orderName: `#${1001 + i}`,
      source: "WEBHOOK" as const,
      nextAttemptAt: new Date(base + i),
    })),
  });
  return tenant.id;
}

describe("claimDueSyncs", () => {
  it("gives every winery a turn before a busy winery's second order", async () => {
    const busy = await tenantWith(100);
    const quiet = [await tenantWith(1), await tenantWith(2), await tenantWith(1)];
    const onlyTenants = [busy, ...quiet];
    const rows = await claimDueSyncs(db, { owner: "w1", limit: 4, perTenantLimit: 10, leaseMs: 30_000, onlyTenants });
    expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set(onlyTenants));
    expect(rows.every((r) => r.leaseOwner === "w1" && r.attempts === 1)).toBe(true);
  });

  it("never leases more than the per-winery limit, counting every worker's leases", async () => {
    const busy = await tenantWith(20);
    const first = await claimDueSyncs(db, { owner: "w1", limit: 50, perTenantLimit: 3, leaseMs: 30_000, onlyTenants: [busy] });
    const second = await claimDueSyncs(db, { owner: "w2", limit: 50, perTenantLimit: 3, leaseMs: 30_000, onlyTenants: [busy] });
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(0);
    await releaseLeases(db, "w1", [first[0].id]);
    expect(await claimDueSyncs(db, { owner: "w2", limit: 50, perTenantLimit: 3, leaseMs: 30_000, onlyTenants: [busy] })).toHaveLength(1);
  });

  it("concurrent claims never hand the same record to two workers, and together take them all", async () => {
    const tenants = [await tenantWith(30), await tenantWith(30)];
    const claimed: string[] = [];
    for (let round = 0; round < 50 && claimed.length < 60; round++) {
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claimDueSyncs(db, { owner: `w${i}`, limit: 5, perTenantLimit: 100, leaseMs: 30_000, onlyTenants: tenants })),
      );
      claimed.push(...claims.flat().map((r) => r.id));
    }
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(60);
  });

  it("skips paused wineries", async () => {
    const paused = await tenantWith(3, "PAUSED");
    expect(await claimDueSyncs(db, { owner: "w1", limit: 10, perTenantLimit: 10, leaseMs: 30_000, onlyTenants: [paused] })).toHaveLength(0);
  });

  it("takes back a dead worker's records once the lease lapses, and fences the dead worker's writes", async () => {
    const tenant = await tenantWith(1);
    const [row] = await claimDueSyncs(db, { owner: "dead", limit: 1, perTenantLimit: 10, leaseMs: 300, onlyTenants: [tenant] });
    expect(await claimDueSyncs(db, { owner: "alive", limit: 1, perTenantLimit: 10, leaseMs: 30_000, onlyTenants: [tenant] })).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [again] = await claimDueSyncs(db, { owner: "alive", limit: 1, perTenantLimit: 10, leaseMs: 30_000, onlyTenants: [tenant] });
    expect(again.id).toBe(row.id);
    expect(again.attempts).toBe(2);

    expect(await holdLease(db, row.id, "dead", 30_000)).toBe(false);
    expect(await renewLeases(db, "dead", [row.id], 30_000)).toBe(0);
    expect(await writeFenced(db, row.id, { owner: "dead", leaseMs: 30_000 }, { status: "FAILED" })).toBe(false);
    expect(await holdLease(db, row.id, "alive", 30_000)).toBe(true);
    expect((await db.orderSync.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PENDING");
  });
});
