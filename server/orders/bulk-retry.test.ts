// Bulk retry: the preview says what would happen to every pasted name and changes nothing; the confirm queues
// exactly what needs it, corrects tags, and never produces a second sales order, not even racing the worker.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { createOrderCommands } from "@/server/cli/commands/orders";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { testOrderBody } from "@/test/support/vintrace";
import { confirmRetry, externalTransactionIdForGid, previewRetry, type RetryDeps } from "./bulk-retry";
import { externalTransactionIdFor } from "../sync/build-sales-order";
import { parseShopifyOrder } from "@/server/shopify/order";
import { goLive } from "@/server/tenants/go-live";
import { REASONS } from "../sync/queue";
import { runUntilIdle, startSyncWorldForFile, type Tenant } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const retryDeps: RetryDeps = { adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor };
const actor = { email: "support@winehub.test" };

async function snapshot(tenant: Tenant) {
  const syncs = await db.orderSync.findMany({ where: { tenantId: tenant.tenantId }, orderBy: { id: "asc" } });
  const tags = world.shopify.sim.orders(tenant.shop).map((o) => [o.name, tenant.tags(o.admin_graphql_api_id)]);
  const requests = (await tenant.simControl("requests", undefined, "GET")) as { method: string }[];
  return {
    syncs: syncs.map((s) => ({ ...s, updatedAt: s.updatedAt.getTime() })),
    tags,
    posts: requests.filter((r) => r.method === "POST").length,
    audits: await db.auditEvent.count({ where: { tenantId: tenant.tenantId } }),
  };
}

describe("bulk retry", () => {
  it("previews every kind of name without changing anything, then confirms", async () => {
    const tenant = await world.addTenant();
    const synced = await tenant.placeOrder();
    const failed = await tenant.placeOrder({ lines: [{ sku: "TOTE-NAT", qty: 1 }] });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const neverDelivered = await tenant.placeOrder({ deliver: false });
    const alreadyInVintrace = await tenant.placeOrder({ deliver: false });
    const created = await tenant.vintrace.createSalesOrder(testOrderBody({ externalTransactionId: externalTransactionIdForGid(tenant.shop, alreadyInVintrace.gid) }));
    expect(created.ok).toBe(true);
    // The tag of a synced order went missing (a merchant removed it).
    await db.orderSync.update({ where: { tenantId_orderGid: { tenantId: tenant.tenantId, orderGid: synced.gid } }, data: { tagState: "CREATED" } });
    const syncedTagsBefore = tenant.tags(synced.gid);
    const queuedNow = await tenant.placeOrder();

    const pasted = `${synced.name}, ${failed.name.replace("#", "")}\n${neverDelivered.name}\t${alreadyInVintrace.name} ${queuedNow.name} #99999 banana ${synced.name}`;
    const before = await snapshot(tenant);
    const preview = await previewRetry(db, tenant.tenantId, pasted, retryDeps);
    expect(await snapshot(tenant)).toEqual(before);
    if (!preview.ok) throw new Error(preview.error);

    const byName = Object.fromEntries(preview.verdicts.map((v) => [v.name, v]));
    expect(byName[synced.name]).toMatchObject({ verdict: "already_synced", tagNeedsCorrection: false });
    expect(byName[failed.name]).toMatchObject({ verdict: "found" });
    expect(byName[neverDelivered.name]).toMatchObject({ verdict: "found", orderGid: neverDelivered.gid });
    expect(byName[alreadyInVintrace.name]).toMatchObject({ verdict: "already_synced", salesOrderCode: created.ok ? created.value.code : "", tagNeedsCorrection: true });
    expect(byName[queuedNow.name]).toMatchObject({ verdict: "in_progress" });
    expect(byName["#99999"]).toMatchObject({ verdict: "not_found" });
    expect(byName["#99999"].message).toMatch(/older than 60 days/);
    expect(byName.banana).toMatchObject({ verdict: "refused" });
    expect(preview.counts).toEqual({ found: 2, skipped: 0, not_found: 1, already_synced: 2, in_progress: 1, refused: 1 });
    expect(syncedTagsBefore).toEqual([SYNC_TAGS.created]);

    // The product exists now, so the re-queued failure goes through.
    await tenant.simControl("stock-items", { code: "TOTE-NAT", distributions: [{ areaId: 99, qty: 10 }] });
    const confirmed = await confirmRetry(db, tenant.tenantId, preview.verdicts.map((v) => v.name), actor, retryDeps);
    if (!confirmed.ok) throw new Error(confirmed.error);
    const actions = Object.fromEntries(confirmed.results.map((r) => [r.name, r.action]));
    expect(actions).toMatchObject({
      [synced.name]: "none",
      [failed.name]: "queued",
      [neverDelivered.name]: "queued",
      [alreadyInVintrace.name]: "tag_queued",
      [queuedNow.name]: "none",
      "#99999": "none",
    });
    expect(await tenant.sync(neverDelivered.gid)).toMatchObject({ source: "MANUAL", status: "PENDING", queuedBy: `user:${actor.email}`, payload: null });

    await runUntilIdle(world.deps(), [tenant.tenantId]);
    for (const order of [synced, failed, neverDelivered, alreadyInVintrace, queuedNow]) {
      expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
      expect((await tenant.sync(order.gid)).status).toBe("SYNCED");
    }
    // The manual order's payload was fetched from Shopify, and recorded as a user's attempt.
    const manual = await tenant.sync(neverDelivered.gid);
    expect(manual.payload).not.toBeNull();
    expect((await db.syncAttempt.findFirst({ where: { orderSyncId: manual.id, step: "CREATE" } }))?.trigger).toBe(`user:${actor.email}`);
    const audit = await db.auditEvent.findFirst({ where: { tenantId: tenant.tenantId, action: "orders.retry" } });
    expect(audit).toMatchObject({ actorEmail: actor.email, details: { queued: 2, tag_queued: 1 } });
  });

  it("learns the shop's own name format, and says when too many names are pasted", async () => {
    const tenant = await world.addTenant();
    world.shopify.sim.configureShop(tenant.shop, { namePrefix: "HT-", nameSuffix: "-W" });
    const order = await tenant.placeOrder();
    expect(order.name).toMatch(/^HT-\d+-W$/);
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const number = order.name.replace(/\D/g, "");
    const preview = await previewRetry(db, tenant.tenantId, number, retryDeps);
    expect(preview.ok && preview.verdicts).toEqual([expect.objectContaining({ name: order.name, verdict: "already_synced" })]);

    const tooMany = Array.from({ length: 501 }, (_, i) => 2000 + i).join(",");
    expect(await previewRetry(db, tenant.tenantId, tooMany, retryDeps)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 500/) });
  });

  it("with read_all_orders, a missing order is simply not found", async () => {
    const tenant = await world.addTenant({ scopes: "read_orders,write_orders,read_all_orders" });
    const preview = await previewRetry(db, tenant.tenantId, "#5555", retryDeps);
    expect(preview.ok && preview.verdicts[0].message).toBe("Shopify has no order named #5555.");
  });

  it("a manual retry racing the automatic one makes one sales order", async () => {
    const tenant = await world.addTenant();
    await tenant.simControl("faults", { faults: [{ match: "POST /sales-order", status: 503 }] });
    const order = await tenant.placeOrder();
    // One attempt at the production schedule: it fails and backs off for 30 s or more.
    await runUntilIdle(world.deps({ retryScale: 1 }), [tenant.tenantId], { timeoutMs: 1_000 }).catch(() => []);
    const backingOff = await tenant.sync(order.gid);
    expect(backingOff).toMatchObject({ status: "PENDING", attempts: 1, lastErrorClass: "TRANSIENT" });
    const preview = await previewRetry(db, tenant.tenantId, order.name, retryDeps);
    expect(preview.ok && preview.verdicts[0]).toMatchObject({ verdict: "in_progress", message: expect.stringMatching(/Confirming tries it now/) });
    // Now a person retries while two workers run.
    await Promise.all([
      confirmRetry(db, tenant.tenantId, order.name, actor, retryDeps),
      runUntilIdle(world.deps(), [tenant.tenantId], { owner: "worker-a" }),
      runUntilIdle(world.deps(), [tenant.tenantId], { owner: "worker-b" }),
      confirmRetry(db, tenant.tenantId, order.name, actor, retryDeps),
    ]);
    await confirmRetry(db, tenant.tenantId, order.name, actor, retryDeps);
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
  });

  it("a failed order retried by hand while its fix re-queues it too: one sales order", async () => {
    const tenant = await world.addTenant({ settings: { customerName: "Wrong Customer" } });
    const order = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect((await tenant.sync(order.gid)).status).toBe("FAILED");
    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { customerName: "Shopify Web Customer" } });
    const { retryAfterSettingsChange } = await import("./fix-retry");
    await Promise.all([
      retryAfterSettingsChange(db, tenant.tenantId),
      confirmRetry(db, tenant.tenantId, order.name, actor, retryDeps),
      runUntilIdle(world.deps(), [tenant.tenantId], { owner: "worker-a" }),
      runUntilIdle(world.deps(), [tenant.tenantId], { owner: "worker-b" }),
    ]);
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
  });

  it("the retry key matches the one the mapping sends", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ deliver: false });
    const parsed = parseShopifyOrder(order.payload);
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(externalTransactionIdForGid(tenant.shop, order.gid)).toBe(externalTransactionIdFor(tenant.shop, parsed.order));
  });
});

describe("a winery still in setup", () => {
  it("holds what a retry queues, with the reason, and sends it only once the winery goes live", async () => {
    const tenant = await world.addTenant({ label: "setup" });
    await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "SETUP" } });
    const stored = await tenant.placeOrder();
    const neverDelivered = await tenant.placeOrder({ deliver: false });
    const names = [stored.name, neverDelivered.name];

    const preview = await previewRetry(db, tenant.tenantId, names.join(" "), retryDeps);
    if (!preview.ok) throw new Error(preview.error);
    for (const verdict of preview.verdicts) expect(verdict.message).toContain("still being set up: the order will be held");

    const confirmed = await confirmRetry(db, tenant.tenantId, names, actor, retryDeps);
    if (!confirmed.ok) throw new Error(confirmed.error);
    expect(confirmed.counts.queued).toBe(2);
    for (const order of [stored, neverDelivered]) {
      expect(await tenant.sync(order.gid)).toMatchObject({ status: "HELD", statusReason: REASONS.setup, nextAttemptAt: null });
    }
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual([]);
    expect(await tenant.salesOrdersFor(stored.gid)).toHaveLength(0);

    await goLive(db, tenant.tenantId, actor, { allowlist: [world.vintraceSim.url] });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced", "synced"]);
    for (const order of [stored, neverDelivered]) expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
  });
});

describe("duplicate deliveries", () => {
  it("20 identical deliveries at once, and 20 more with new ids: one record, one sales order", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ duplicates: 20 });
    const again = await Promise.all(Array.from({ length: 20 }, () => tenant.deliver(order)));
    expect(again.flat().every((s) => s === 200)).toBe(true);
    expect(await db.orderSync.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
    await Promise.all([runUntilIdle(world.deps(), [tenant.tenantId], { owner: "a" }), runUntilIdle(world.deps(), [tenant.tenantId], { owner: "b" })]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
  });
});

describe("the CLI", () => {
  it("orders:retry --dry-run previews, orders:retry queues, orders:status explains", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: [{ sku: "TOTE-NAT", qty: 1 }] });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const commands = Object.fromEntries(createOrderCommands({ retryDeps: () => retryDeps, adminFor: () => world.adminFor }).map((c) => [c.name, c]));
    const ctx = { db, actor: "ops@winehub.test" };
    const run = (name: string, options: Record<string, string>) => commands[name].run(commands[name].options.parse(options), ctx);

    const status = await run("orders:status", { shop: tenant.shop, name: order.name.replace("#", "") });
    expect(status.text).toMatch(/FAILED/);
    expect(status.text).toMatch(/fix on the products page/);

    const dry = await run("orders:retry", { shop: tenant.shop, names: `${order.name} 77777`, "dry-run": "true" });
    expect(dry.text).toMatch(/Preview only, nothing changed: 1 found, 1 not found/);
    expect((await tenant.sync(order.gid)).status).toBe("FAILED");

    const real = await run("orders:retry", { shop: tenant.shop, names: order.name });
    expect(real).toMatchObject({ exitCode: 0 });
    expect(real.text).toMatch(/1 queued/);
    expect((await tenant.sync(order.gid)).queuedBy).toBe("user:ops@winehub.test");

    const summary = await run("orders:status", { shop: tenant.shop });
    expect(summary.json).toMatchObject({ counts: { PENDING: 1 } });
  });
});
