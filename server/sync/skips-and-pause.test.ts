// Orders that are not sent, and why; pausing a winery holds its deliveries and resuming works through them; a tag
// that cannot be written is retried on its own without sending the sales order again.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { claimDueSyncs } from "./queue";
import { pauseTenant, resumeTenant } from "../tenants/pause";
import { processOrder } from "./process-order";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const actor = { email: "support@winehub.test" };

const postCount = async (tenant: { simControl: (a: string, b?: unknown, m?: string) => Promise<unknown> }) =>
  ((await tenant.simControl("requests", undefined, "GET")) as { method: string; path: string }[]).filter((r) => r.method === "POST").length;

describe("skip rules", () => {
  it("test orders are skipped with a reason by default, and synced when the winery asks for them", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ test: true });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["skipped"]);
    const skipped = await tenant.sync(order.gid);
    expect(skipped.status).toBe("SKIPPED");
    expect(skipped.statusReason).toMatch(/test order.*Sync test orders/);
    expect(tenant.tags(order.gid)).toEqual([]);
    expect(await postCount(tenant)).toBe(0);

    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { syncTestOrders: true } });
    const second = await tenant.placeOrder({ test: true });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
    expect(tenant.tags(second.gid)).toEqual([SYNC_TAGS.created]);
  });

  it("an order cancelled after its webhook is checked again before the POST, and skipped", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder();
    world.shopify.sim.cancelOrder(tenant.shop, order.gid);
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["skipped"]);
    expect((await tenant.sync(order.gid)).statusReason).toMatch(/cancelled in Shopify/);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);
    expect(await postCount(tenant)).toBe(0);
  });

  it("an order replayed from another shop is not in this shop: never sent, and recorded as a possible forgery", async () => {
    const [other, tenant] = [await world.addTenant({ label: "elsewhere" }), await world.addTenant()];
    const order = await other.placeOrder({ deliver: false });
    expect(await tenant.deliver(order)).toEqual([200]);
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["skipped"]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);
    expect(await postCount(tenant)).toBe(0);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, action: "webhook.forgery_suspected" } });
    expect(audit.details).toMatchObject({ topic: "orders/create", orderGid: order.gid, reason: expect.stringMatching(/not in this shop/) });
  });

  it("orders placed before the winery's start date are never sent", async () => {
    const tenant = await world.addTenant({ syncOrdersCreatedAfter: new Date() });
    const order = await tenant.placeOrder({ createdAt: new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString() });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["skipped"]);
    expect((await tenant.sync(order.gid)).statusReason).toMatch(/before .* when this winery started syncing/);
  });
});

describe("pause and resume", () => {
  it("holds deliveries while paused, and works through the backlog on resume, both audited", async () => {
    const tenant = await world.addTenant();
    const queuedBefore = await tenant.placeOrder({ deliver: true });
    expect(await pauseTenant(db, tenant.tenantId, actor)).toMatchObject({ status: "PAUSED", orders: 1, changed: true });
    const during = [await tenant.placeOrder(), await tenant.placeOrder(), await tenant.placeOrder()];

    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual([]);
    for (const order of [queuedBefore, ...during]) expect((await tenant.sync(order.gid)).status).toBe("HELD");
    expect(await postCount(tenant)).toBe(0);

    expect(await resumeTenant(db, tenant.tenantId, actor)).toMatchObject({ status: "ACTIVE", orders: 4, changed: true });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced", "synced", "synced", "synced"]);
    for (const order of [queuedBefore, ...during]) {
      expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    }
    const audit = await db.auditEvent.findMany({ where: { tenantId: tenant.tenantId, action: { startsWith: "tenant." } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.action, a.actorEmail])).toEqual([
      ["tenant.paused", actor.email],
      ["tenant.resumed", actor.email],
    ]);
  });
});

describe("an uninstalled shop", () => {
  it("keeps its orders waiting, with the reason, and sends them once the app is installed again", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder();
    const lease = { owner: "test-uninstall", leaseMs: 30_000 };
    const [claimed] = await claimDueSyncs(db, { ...lease, limit: 1, perTenantLimit: 1, onlyTenants: [tenant.tenantId] });
    await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "UNINSTALLED" } });
    expect(await processOrder(world.deps(), claimed, lease)).toBe("waiting");
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "PENDING", attempts: 0, leaseOwner: null, statusReason: expect.stringMatching(/uninstalled/) });
    await expect(runUntilIdle(world.deps(), [tenant.tenantId], { timeoutMs: 600 })).rejects.toThrow(/still busy/);
    expect(await postCount(tenant)).toBe(0);

    await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "ACTIVE" } });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "SYNCED", statusReason: null });
  });
});

describe("tagging", () => {
  it("a tag that fails is retried on its own and never sends the sales order again", async () => {
    const tenant = await world.addTenant();
    // More failures than the Admin client's own retries: the first tag step fails.
    world.shopify.sim.injectFaults(tenant.shop, [{ kind: "HTTP", status: 502, count: 8, operation: "TagsAdd" }]);
    const order = await tenant.placeOrder();
    const results = await runUntilIdle(world.deps(), [tenant.tenantId], { timeoutMs: 30_000 });
    expect(results[0]).toBe("synced");
    expect(results.slice(1).every((r) => r === "tag_tagged" || r === "tag_retry")).toBe(true);

    const sync = await tenant.sync(order.gid);
    expect(sync).toMatchObject({ status: "SYNCED", tagState: "CREATED", tagError: null });
    expect(sync.tagAttempts).toBeGreaterThanOrEqual(2);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    expect(await postCount(tenant)).toBe(1);
    const steps = (await db.syncAttempt.findMany({ where: { orderSyncId: sync.id }, orderBy: { createdAt: "asc" } })).map((a) => `${a.step}:${a.outcome}`);
    expect(steps.filter((s) => s === "CREATE:created")).toHaveLength(1);
    expect(steps).toContain("TAG:failed");
    expect(steps.at(-1)).toBe("TAG:ok");
  });
});
