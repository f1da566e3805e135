// A winery installed from Shopify holds its orders until it goes live; going live needs a vintrace that accepts the
// saved settings, then sends the held orders (once each), audited. Real PostgreSQL and both simulators.
import { describe, expect, it } from "vitest";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { REASONS } from "@/server/sync/queue";
import { runUntilIdle, startSyncWorldForFile } from "@/test/support/sync";
import { goLive, GoLiveRefused, previewGoLive } from "./go-live";
import { pauseTenant, resumeTenant } from "./pause";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const actor = { email: "owner@winery.test" };
const options = () => ({ allowlist: [world.vintraceSim.url] });
const retry = () => ({ adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor });
const DAY = 24 * 60 * 60 * 1000;

/** A connected winery, put in setup (at the wizard's last step) as an install from Shopify leaves it. */
async function wineryInSetup() {
  const tenant = await world.addTenant({ label: "setup" });
  await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "SETUP", setupStep: "GO_LIVE", setupStepSince: new Date() } });
  return tenant;
}

describe("a winery in setup", () => {
  it("stores and holds its orders with the reason, sends nothing, and cannot be resumed around going live", async () => {
    const tenant = await wineryInSetup();
    const orders = [await tenant.placeOrder(), await tenant.placeOrder()];
    for (const order of orders) expect(await tenant.sync(order.gid)).toMatchObject({ status: "HELD", statusReason: REASONS.setup });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual([]);
    expect(await tenant.salesOrdersFor(orders[0].gid)).toHaveLength(0);

    await expect(resumeTenant(db, tenant.tenantId, actor)).rejects.toThrow(/still being set up/);
    await expect(pauseTenant(db, tenant.tenantId, actor)).rejects.toThrow(/still being set up/);
    expect(await tenant.sync(orders[0].gid)).toMatchObject({ status: "HELD" });
  });

  it("goes live only once vintrace accepts the saved settings, then sends the held orders, audited", async () => {
    const tenant = await wineryInSetup();
    const orders = [await tenant.placeOrder(), await tenant.placeOrder()];

    // A key vintrace refuses: tested at the moment of going live, so nothing starts.
    const good = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } });
    await db.vintraceSettings.update({
      where: { tenantId: tenant.tenantId },
      data: { apiKeyEnc: encryptSecret("not-a-vintrace-key", { tenantId: tenant.tenantId, column: "VintraceSettings.apiKeyEnc" }) },
    });
    const refused = await goLive(db, tenant.tenantId, actor, options()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GoLiveRefused);
    expect((refused as Error).message).toMatch(/vintrace does not accept the saved settings/);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).toMatchObject({ status: "SETUP" });
    expect(await tenant.sync(orders[0].gid)).toMatchObject({ status: "HELD" });

    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { apiKeyEnc: good.apiKeyEnc } });
    expect(await goLive(db, tenant.tenantId, actor, options())).toEqual({ status: "ACTIVE", orders: 2, skipped: 0, fetched: 0, changed: true });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced", "synced"]);
    for (const order of orders) {
      expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    }
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, action: "tenant.went_live" } });
    expect(audit).toMatchObject({ actorEmail: actor.email, details: { queued: 2, skipped: 0, sendHeld: true, since: null } });

    // New orders go straight through; a second click changes nothing.
    const later = await tenant.placeOrder();
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
    expect(await tenant.salesOrdersFor(later.gid)).toHaveLength(1);
    expect(await goLive(db, tenant.tenantId, actor, options())).toEqual({ status: "ACTIVE", orders: 0, skipped: 0, fetched: 0, changed: false });
  });

  it("refuses without saved vintrace settings, and for a paused winery", async () => {
    const tenant = await wineryInSetup();
    await db.vintraceSettings.delete({ where: { tenantId: tenant.tenantId } });
    await expect(goLive(db, tenant.tenantId, actor, options())).rejects.toThrow(/Connect vintrace first/);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).toMatchObject({ status: "SETUP" });

    const paused = await world.addTenant({ status: "PAUSED" });
    await expect(goLive(db, paused.tenantId, actor, options())).rejects.toThrow(/is paused, not being set up/);
  });
});

describe("going live, as the owner chose", () => {
  it("skips the orders held during setup when the owner does not send them, saying why, and ends the wizard", async () => {
    const tenant = await wineryInSetup();
    const orders = [await tenant.placeOrder(), await tenant.placeOrder()];
    const choices = { sendHeld: false, since: null };
    expect(await previewGoLive(db, tenant.tenantId, choices, retry())).toMatchObject({ skipped: 2, preview: { verdicts: [] } });

    expect(await goLive(db, tenant.tenantId, actor, { ...options(), choices, retry: retry() })).toEqual({ status: "ACTIVE", orders: 0, skipped: 2, fetched: 0, changed: true });
    for (const order of orders) expect(await tenant.sync(order.gid)).toMatchObject({ status: "SKIPPED", statusReason: REASONS.notSentAtGoLive });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual([]);
    expect(await tenant.salesOrdersFor(orders[0].gid)).toHaveLength(0);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).toMatchObject({ status: "ACTIVE", setupStep: null, setupStepSince: null });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, action: "tenant.went_live" } });
    expect(audit.details).toEqual({ queued: 0, skipped: 2, sendHeld: false, since: null });
    expect(await db.auditEvent.count({ where: { tenantId: tenant.tenantId, action: "setup.step_completed", details: { path: ["step"], equals: "GO_LIVE" } } })).toBe(1);
  });

  it("sends the shop's orders since a chosen date, found in Shopify as the bulk retry finds them, and moves the start date back to it", async () => {
    const tenant = await wineryInSetup();
    const held = await tenant.placeOrder();
    // Placed before the install: no webhook ever reached us, and it is older than the start date.
    const older = await tenant.placeOrder({ deliver: false, createdAt: new Date(Date.now() - 2 * DAY).toISOString() });
    const tooOld = await tenant.placeOrder({ deliver: false, createdAt: new Date(Date.now() - 5 * DAY).toISOString() });
    const since = new Date(Date.now() - 3 * DAY);
    const choices = { sendHeld: true, since };

    const { preview, skipped } = await previewGoLive(db, tenant.tenantId, choices, retry());
    expect(skipped).toBe(0);
    // As the live winery will send them, under the start date going live moves back: both will be sent.
    expect(preview.verdicts.map((v) => [v.name, v.outcome, v.message])).toEqual([
      [held.name, "will be sent", "Will be sent to vintrace."],
      [older.name, "will be sent", "Will be sent to vintrace."],
    ]);
    expect(await db.orderSync.count({ where: { tenantId: tenant.tenantId } })).toBe(1);

    expect(await goLive(db, tenant.tenantId, actor, { ...options(), choices, retry: retry() })).toEqual({ status: "ACTIVE", orders: 1, skipped: 0, fetched: 1, changed: true });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).syncOrdersCreatedAfter).toEqual(since);
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced", "synced"]);
    for (const order of [held, older]) expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    expect(await tenant.sync(older.gid)).toMatchObject({ source: "MANUAL", status: "SYNCED" });
    expect(await db.orderSync.count({ where: { tenantId: tenant.tenantId, orderGid: tooOld.gid } })).toBe(0);
  });

  it("sends the held orders of the chosen dates even when the other held orders are skipped", async () => {
    const tenant = await wineryInSetup();
    await db.tenant.update({ where: { id: tenant.tenantId }, data: { syncOrdersCreatedAfter: new Date(Date.now() - 10 * DAY) } });
    const early = await tenant.placeOrder({ createdAt: new Date(Date.now() - 4 * DAY).toISOString() });
    const recent = await tenant.placeOrder();
    const choices = { sendHeld: false, since: new Date(Date.now() - DAY) };
    expect((await previewGoLive(db, tenant.tenantId, choices, retry())).skipped).toBe(1);

    expect(await goLive(db, tenant.tenantId, actor, { ...options(), choices, retry: retry() })).toEqual({ status: "ACTIVE", orders: 1, skipped: 1, fetched: 0, changed: true });
    expect(await tenant.sync(early.gid)).toMatchObject({ status: "SKIPPED", statusReason: REASONS.notSentAtGoLive });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
    expect(await tenant.salesOrdersFor(recent.gid)).toHaveLength(1);
    expect(tenant.tags(recent.gid)).toEqual([SYNC_TAGS.created]);
  });
});
