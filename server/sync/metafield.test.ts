// The vintrace code written back to the Shopify order as an app-owned metafield: once after a sync, retried on its
// own without sending the sales order again, its definition created once per shop, old orders backfilled a bounded
// number per run, and the order's page saying where it stands.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { orderDetail } from "@/server/orders/detail";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { METAFIELD_BACKFILL_PER_RUN } from "./metafield-backfill";
import { processOrder } from "./process-order";
import { claimDueSyncs } from "./queue";
import { reconcileTenant } from "./reconcile";
import { runUntilIdle, startSyncWorldForFile, uniqueLabel, type Tenant } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

const codeIn = (tenant: Tenant, gid: string) => world.shopify.sim.metafieldsOf(tenant.shop, gid).metafields.map((m) => [m.key, m.value]);
const steps = async (syncId: string) =>
  (await db.syncAttempt.findMany({ where: { orderSyncId: syncId }, orderBy: { createdAt: "asc" } })).map((a) => `${a.step}:${a.outcome}`);
const definitionAudits = (tenantId: string) => db.auditEvent.count({ where: { tenantId, action: "shopify.metafield_definition_created" } });
const metafieldOnPage = async (tenantId: string, syncId: string) => (await orderDetail(db, tenantId, syncId))?.metafield;

/** A record as orders synced before the metafield step existed were left: SYNCED with a code, metafield NONE. */
function syncedBefore(tenantId: string, gid: string, createdAt: Date, more: Partial<Prisma.OrderSyncUncheckedCreateInput> = {}) {
  const number = gid.slice(gid.lastIndexOf("/") + 1);
  return {
    tenantId,
    orderGid: gid,
    orderName: `#${number}`,
    source: "WEBHOOK" as const,
    status: "SYNCED" as const,
    vintraceSalesOrderId: Number(number) % 1_000_000,
    vintraceSalesOrderCode: `SO-${number}`,
    syncedAt: createdAt,
    createdAt,
    tagState: "CREATED" as const,
    nextAttemptAt: null,
    ...more,
  };
}

describe("the vintrace code's metafield", () => {
  it("is written once after the sync, with one METAFIELD attempt, and the order's page says so", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder();
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);

    const sync = await tenant.sync(order.gid);
    const [salesOrder] = await tenant.salesOrdersFor(order.gid);
    expect(sync).toMatchObject({ status: "SYNCED", tagState: "CREATED", metafieldState: "DONE", metafieldAttempts: 1, metafieldError: null, nextAttemptAt: null });
    expect(codeIn(tenant, order.gid)).toEqual([["sales_order_code", salesOrder.code]]);
    expect((await steps(sync.id)).filter((s) => s.startsWith("METAFIELD"))).toEqual(["METAFIELD:ok"]);
    expect(await metafieldOnPage(tenant.tenantId, sync.id)).toEqual({ state: "written", error: null });
  });

  it("is retried on its own when metafieldsSet fails, and vintrace still has exactly one sales order", async () => {
    const tenant = await world.addTenant();
    // More failures than the Admin client's own tries: the first metafield attempt fails, the next one succeeds.
    world.shopify.sim.injectFaults(tenant.shop, [{ kind: "HTTP", status: 502, count: 8, operation: "MetafieldsSet" }]);
    const order = await tenant.placeOrder();
    const lease = { owner: uniqueLabel("test-metafield"), leaseMs: 30_000 };
    const [claimed] = await claimDueSyncs(db, { ...lease, limit: 1, perTenantLimit: 1, onlyTenants: [tenant.tenantId] });
    expect(await processOrder(world.deps(), claimed, lease)).toBe("synced");

    const waiting = await tenant.sync(order.gid);
    // The failure touches neither the sync nor the tag.
    expect(waiting).toMatchObject({ status: "SYNCED", tagState: "CREATED", metafieldState: "PENDING", metafieldAttempts: 1, nextAttemptAt: expect.any(Date) });
    expect(waiting.metafieldError).toMatch(/^Could not write the vintrace code to the Shopify order \(MetafieldsSet: Shopify answered HTTP 502.*trying again\.$/);
    expect(await metafieldOnPage(tenant.tenantId, waiting.id)).toEqual({ state: "waiting", error: waiting.metafieldError });
    expect(codeIn(tenant, order.gid)).toEqual([]);

    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["metafield_written"]);
    const done = await tenant.sync(order.gid);
    expect(done).toMatchObject({ status: "SYNCED", tagState: "CREATED", metafieldState: "DONE", metafieldAttempts: 2, metafieldError: null });
    expect(codeIn(tenant, order.gid)).toEqual([["sales_order_code", done.vintraceSalesOrderCode]]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    const history = await steps(done.id);
    expect(history.filter((s) => s === "CREATE:created")).toHaveLength(1);
    expect(history.filter((s) => s.startsWith("METAFIELD") || s.startsWith("TAG"))).toEqual(["TAG:ok", "METAFIELD:failed", "METAFIELD:ok"]);
  });

  it("has its definition created once per shop: racing workers get TAKEN and carry on", async () => {
    const tenant = await world.addTenant();
    const orders = await Promise.all([tenant.placeOrder(), tenant.placeOrder()]);
    // Both orders are claimed together and synced at once, so both may ask to create the definition.
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const sim = world.shopify.sim;
    expect(sim.metafieldsOf(tenant.shop, orders[0].gid).definitions).toEqual([
      expect.objectContaining({ key: "sales_order_code", ownerType: "ORDER", type: "single_line_text_field", pinnedPosition: 1 }),
    ]);
    for (const order of orders) expect((await tenant.sync(order.gid)).metafieldState).toBe("DONE");
    expect(await definitionAudits(tenant.tenantId)).toBe(1);
    const connection = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } });
    expect(connection.metafieldDefinitionAt).toEqual(expect.any(Date));

    // The record of it lost (a restored database): Shopify answers TAKEN, which counts as done, and nothing is audited.
    await db.shopifyConnection.update({ where: { tenantId: tenant.tenantId }, data: { metafieldDefinitionAt: null } });
    const third = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const sync = await tenant.sync(third.gid);
    expect(sync.metafieldState).toBe("DONE");
    const attempt = await db.syncAttempt.findFirstOrThrow({ where: { orderSyncId: sync.id, step: "METAFIELD" } });
    expect(attempt.request).toMatchObject({ definition: "existed" });
    expect((await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } })).metafieldDefinitionAt).toEqual(expect.any(Date));
    expect(sim.metafieldsOf(tenant.shop, third.gid).definitions).toHaveLength(1);
    expect(await definitionAudits(tenant.tenantId)).toBe(1);

    // Once recorded, it is not asked for again.
    const asked = () => sim.requests(tenant.shop).filter((r) => r.operation === "MetafieldDefinitionCreate").length;
    const before = asked();
    await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(asked()).toBe(before);
  });
});

describe("the metafield backfill", () => {
  it("marks at most the bounded number of old synced orders per shop per reconciliation, oldest first", async () => {
    const tenant = await world.addTenant();
    const other = await world.addTenant();
    const start = Date.now() - 30 * 24 * 60 * 60 * 1000;
    const old = Array.from({ length: METAFIELD_BACKFILL_PER_RUN + 3 }, (_, i) =>
      syncedBefore(tenant.tenantId, `gid://shopify/Order/${9_100_000 + i}`, new Date(start + i * 60_000)),
    );
    // Left alone: written already, given up already, in a worker's hands, not synced, another winery's.
    const untouched = [
      syncedBefore(tenant.tenantId, "gid://shopify/Order/9200001", new Date(start - 60_000), { metafieldState: "DONE", metafieldAttempts: 1 }),
      syncedBefore(tenant.tenantId, "gid://shopify/Order/9200002", new Date(start - 60_000), { metafieldAttempts: 3, metafieldError: "Gave up" }),
      syncedBefore(tenant.tenantId, "gid://shopify/Order/9200003", new Date(start - 60_000), { leaseOwner: "w1", leaseUntil: new Date(Date.now() + 60_000) }),
      syncedBefore(tenant.tenantId, "gid://shopify/Order/9200004", new Date(start - 60_000), { status: "FAILED", vintraceSalesOrderCode: null, vintraceSalesOrderId: null }),
      syncedBefore(other.tenantId, "gid://shopify/Order/9200005", new Date(start - 60_000)),
    ];
    await db.orderSync.createMany({ data: [...old, ...untouched] });

    const first = await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId);
    expect(first.metafieldsQueued).toBe(METAFIELD_BACKFILL_PER_RUN);
    const pending = await db.orderSync.findMany({ where: { tenantId: tenant.tenantId, metafieldState: "PENDING" }, select: { orderGid: true, nextAttemptAt: true } });
    expect(pending.map((p) => p.orderGid).sort()).toEqual(old.slice(0, METAFIELD_BACKFILL_PER_RUN).map((o) => o.orderGid).sort());
    expect(pending.every((p) => p.nextAttemptAt !== null && p.nextAttemptAt.getTime() <= Date.now())).toBe(true);

    expect((await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).metafieldsQueued).toBe(3);
    expect((await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).metafieldsQueued).toBe(0);
    const left = await db.orderSync.findMany({ where: { orderGid: { in: untouched.map((u) => u.orderGid) } }, orderBy: { orderGid: "asc" } });
    expect(left.map((r) => r.metafieldState)).toEqual(["DONE", "NONE", "NONE", "NONE", "NONE"]);
  });

  it("writes old orders' codes without retrying a tag that gave up, and an order Shopify lost is given up, shown on its page", async () => {
    const tenant = await world.addTenant();
    const sim = world.shopify.sim;
    const kept = await tenant.placeOrder({ deliver: false, tags: [SYNC_TAGS.created] });
    const longAgo = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
    const tagGaveUp = "Gave up tagging the Shopify order after 12 attempts: it was refused. Retry the order to tag it.";
    await db.orderSync.createMany({
      data: [
        syncedBefore(tenant.tenantId, kept.gid, longAgo, { tagState: "PENDING_CREATED", tagAttempts: 12, tagError: tagGaveUp }),
        syncedBefore(tenant.tenantId, "gid://shopify/Order/9300001", longAgo),
      ],
    });
    const keptSync = await tenant.sync(kept.gid);
    const lost = await tenant.sync("gid://shopify/Order/9300001");
    expect(await metafieldOnPage(tenant.tenantId, lost.id)).toEqual({ state: "not_written", error: null });

    expect((await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).metafieldsQueued).toBe(2);
    expect((await runUntilIdle(world.deps(), [tenant.tenantId])).sort()).toEqual(["metafield_gave_up", "metafield_written"]);

    expect(await tenant.sync(kept.gid)).toMatchObject({ metafieldState: "DONE", tagState: "PENDING_CREATED", tagAttempts: 12, tagError: tagGaveUp });
    expect(await steps(keptSync.id)).toEqual(["METAFIELD:ok"]);
    expect(codeIn(tenant, kept.gid)).toEqual([["sales_order_code", keptSync.vintraceSalesOrderCode]]);

    const gaveUp = await tenant.sync(lost.orderGid);
    expect(gaveUp).toMatchObject({ status: "SYNCED", metafieldState: "NONE", metafieldAttempts: 1, nextAttemptAt: null });
    expect(gaveUp.metafieldError).toMatch(/^Gave up writing the vintrace code to the Shopify order after 1 attempt: .*Owner does not exist/);
    expect(await metafieldOnPage(tenant.tenantId, lost.id)).toEqual({ state: "not_written", error: gaveUp.metafieldError });
    // Given up is final: the backfill takes only orders never tried.
    expect((await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).metafieldsQueued).toBe(0);
    expect(sim.metafieldsOf(tenant.shop, kept.gid).definitions).toHaveLength(1);
  });
});
