// The after-sale path end to end: orders placed in the Shopify simulator, sent to the vintrace simulator by the real
// engine, then changed; the changes delivered signed through the real intake and applied by the processor.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cancelledDetails, editedDetails, refundedDetails } from "@/lib/order-changes";
import { createPrisma } from "@/server/db";
import { Prisma } from "@/server/generated/prisma/client";
import { startWorkerProcess } from "@/server/jobs/process";
import { processOrderEvents } from "@/server/order-changes/processor";
import { purgeExpiredData } from "@/server/sync/retention";
import { cancelledOrder, deliverChange, orderEditBody, refundBody, updatedOrder, withQuantities } from "@/test/support/order-changes";
import { runUntilIdle, startSyncWorldForFile, until, type Tenant } from "@/test/support/sync";
import type { CreatedOrder } from "@/simulators/shopify/server";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const intake = { db, shopify: world.shopify.shopify };

const LINES = [
  { sku: "21SHZ750", qty: 2, price: "32.00", title: "Shiraz 2021" },
  { sku: "22CHA750", qty: 1, price: "24.50", title: "Chardonnay 2022" },
];
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

/** One pass of the processor for these wineries, as a worker would run it at `now`. */
const processAt = (tenants: Tenant[], now = new Date()) =>
  processOrderEvents({ db, adminFor: world.adminFor, now: () => now }, { onlyTenants: tenants.map((t) => t.tenantId) });

async function sentOrder(tenant: Tenant): Promise<CreatedOrder> {
  const order = await tenant.placeOrder({ lines: LINES });
  await runUntilIdle(world.deps(), [tenant.tenantId]);
  expect((await tenant.sync(order.gid)).status).toBe("SYNCED");
  return order;
}

async function entries(tenant: Tenant, order: CreatedOrder) {
  const record = await tenant.sync(order.gid);
  return db.orderChange.findMany({ where: { orderSyncId: record.id }, orderBy: { kind: "asc" } });
}

/** A line's title as the order shows it (its name: product and variant). */
const titleOf = (order: CreatedOrder, sku: string) => order.payload.line_items.find((l) => l.sku === sku)!.name;

const events = (tenant: Tenant) => db.orderEvent.findMany({ where: { tenantId: tenant.tenantId }, orderBy: { receivedAt: "asc" } });

describe("a sent order changed in Shopify", () => {
  it("keeps what was sent: the content and hash of the payload vintrace got", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const record = await tenant.sync(order.gid);
    expect(record.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.content).toMatchObject({ lines: [{ sku: "21SHZ750", quantity: 2, unitPrice: "32.00" }, { sku: "22CHA750", quantity: 1 }] });
  });

  it("a cancellation delivered twice with its event id and once more under another lists one Cancelled entry", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const cancelled = cancelledOrder(order.payload, iso(1));
    const eventId = randomUUID();
    for (const id of [eventId, eventId, randomUUID()]) expect(await deliverChange(intake, tenant.shop, "orders/cancelled", cancelled, { eventId: id })).toBe(200);
    await processAt([tenant]);

    const listed = await entries(tenant, order);
    expect(listed).toHaveLength(1);
    expect(cancelledDetails.parse(listed[0].details)).toEqual({ kind: "CANCELLED", cancelledAt: cancelled.cancelled_at, reason: "customer" });
    expect(listed[0]).toMatchObject({ kind: "CANCELLED", handledAt: null, shopifyUpdatedAt: new Date(cancelled.updated_at) });
    expect((await events(tenant)).map((e) => e.processedAt !== null)).toEqual([true, true]);
    // Cancelling emptied the lines: that is the cancellation, not an edit to list as well.
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(cancelled, iso(2)));
    await processAt([tenant]);
    expect((await entries(tenant, order)).map((e) => e.kind)).toEqual(["CANCELLED"]);
  });

  it("two refunds, a duplicate of the first and a redelivery of it under a new event id: one Refunded entry with both, and their sum", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const first = refundBody(order.payload, { createdAt: iso(1), lines: [{ sku: "21SHZ750", quantity: 1 }], note: "corked" });
    const second = refundBody(order.payload, { createdAt: iso(2), lines: [{ sku: "22CHA750", quantity: 1 }] });
    const eventId = randomUUID();
    await deliverChange(intake, tenant.shop, "refunds/create", first, { eventId });
    await deliverChange(intake, tenant.shop, "refunds/create", first, { eventId });
    await processAt([tenant]);
    await deliverChange(intake, tenant.shop, "refunds/create", second);
    await deliverChange(intake, tenant.shop, "refunds/create", first);
    await processAt([tenant]);

    const listed = await entries(tenant, order);
    expect(listed).toHaveLength(1);
    const details = refundedDetails.parse(listed[0].details);
    expect(details).toMatchObject({ kind: "REFUNDED", currency: "AUD", total: "56.50" });
    expect(details.refunds).toEqual([
      { id: String(first.id), createdAt: first.created_at, amount: "32.00", note: "corked", lines: [{ sku: "21SHZ750", title: titleOf(order, "21SHZ750"), quantity: 1, amount: "32.00" }] },
      { id: String(second.id), createdAt: second.created_at, amount: "24.50", note: null, lines: [{ sku: "22CHA750", title: titleOf(order, "22CHA750"), quantity: 1, amount: "24.50" }] },
    ]);
  });

  it("an edit seen in orders/updated is listed line by line; an older update after it changes nothing; back as sent, the entry goes", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const newer = updatedOrder(order.payload, iso(2), { line_items: withQuantities(order.payload, { "21SHZ750": 3 }) });
    const older = updatedOrder(order.payload, iso(1), { line_items: withQuantities(order.payload, { "21SHZ750": 1 }) });
    await deliverChange(intake, tenant.shop, "orders/updated", newer);
    await processAt([tenant]);
    await deliverChange(intake, tenant.shop, "orders/updated", older);
    await processAt([tenant]);

    const [edited] = await entries(tenant, order);
    expect(editedDetails.parse(edited.details)).toEqual({
      kind: "EDITED",
      lines: [{ key: "21SHZ750", sku: "21SHZ750", title: titleOf(order, "21SHZ750"), sent: { quantity: 2, unitPrice: "32.00", discount: "0.00" }, now: { quantity: 3, unitPrice: "32.00", discount: "0.00" } }],
      other: [],
    });
    expect(edited.shopifyUpdatedAt).toEqual(new Date(newer.updated_at));
    expect((await events(tenant))[1]).toMatchObject({ processedAt: expect.any(Date), lastError: expect.stringMatching(/^Older than/) });

    // Edited back to what was sent: stored although its hash is the record's, since it clears the entry.
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(3)));
    await processAt([tenant]);
    expect(await entries(tenant, order)).toEqual([]);
  });

  it("our own tag write (only tags and updated_at change) stores no event and lists nothing", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    expect(tenant.tags(order.gid)).toContain("vintrace-order-created");
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(1), { tags: "vintrace-order-created" }));
    await processAt([tenant]);
    expect(await events(tenant)).toEqual([]);
    expect(await entries(tenant, order)).toEqual([]);
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: tenant.shop, topic: "orders/updated" } })).toMatchObject({ outcome: "unchanged" });
  });

  it("a record sent before content was kept gets it at its first comparison, and its tag writes are dropped from then on", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const { id, contentHash } = await tenant.sync(order.gid);
    await db.orderSync.update({ where: { id }, data: { content: Prisma.DbNull, contentHash: null } });
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(1), { tags: "vintrace-order-created" }));
    await processAt([tenant]);
    expect(await tenant.sync(order.gid)).toMatchObject({ contentHash, content: { lines: [{ sku: "21SHZ750" }, { sku: "22CHA750" }] } });
    expect(await entries(tenant, order)).toEqual([]);
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(2), { tags: "vintrace-order-created, gift" }));
    expect(await events(tenant)).toHaveLength(1);
  });

  it("a new change to a handled entry opens it again and clears its digest; the same state again does not", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(1), { line_items: withQuantities(order.payload, { "21SHZ750": 3 }) }));
    await processAt([tenant]);
    const [entry] = await entries(tenant, order);
    const handled = { handledAt: new Date(), handledBy: "owner@example.com", handledNote: "changed in vintrace", digestId: "digest-1" };
    const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3600_000);
    await db.orderChange.update({ where: { id: entry.id }, data: { ...handled, detectedAt: fourDaysAgo, supportDigestId: "support-digest-1" } });

    const sameAgain = updatedOrder(order.payload, iso(2), { line_items: withQuantities(order.payload, { "21SHZ750": 3 }), tags: "x" });
    await deliverChange(intake, tenant.shop, "orders/updated", sameAgain);
    await processAt([tenant]);
    expect(await entries(tenant, order)).toMatchObject([{ id: entry.id, ...handled, shopifyUpdatedAt: new Date(sameAgain.updated_at) }]);

    await deliverChange(intake, tenant.shop, "orders/updated", updatedOrder(order.payload, iso(3), { line_items: withQuantities(order.payload, { "21SHZ750": 4 }) }));
    await processAt([tenant]);
    const [reopened] = await entries(tenant, order);
    expect(reopened).toMatchObject({ id: entry.id, handledAt: null, handledBy: null, handledNote: null, digestId: null, supportDigestId: null });
    // A new thing to handle: support's 3-day clock starts again.
    expect(reopened.detectedAt.getTime()).toBeGreaterThan(fourDaysAgo.getTime() + 3 * 24 * 3600_000);
    expect(editedDetails.parse(reopened.details).lines[0].now).toMatchObject({ quantity: 4 });
  });

  it("orders/edited reads the order as Shopify has it now from the Admin API, waiting while Shopify cannot answer", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    // The merchant's edit, in the simulated shop: one Shiraz fewer, a new wine added.
    await world.shopify.sim.createOrder({
      shop: tenant.shop,
      id: order.payload.id,
      name: order.name,
      createdAt: order.payload.created_at,
      lines: [{ ...LINES[0], qty: 1 }, LINES[1], { sku: "23RSE750", qty: 2, price: "20.00", title: "Rosé 2024" }],
    });
    await deliverChange(intake, tenant.shop, "orders/edited", orderEditBody(order.payload, iso(1)));
    world.shopify.sim.injectFaults(tenant.shop, [{ kind: "HTTP", status: 503, count: 6, operation: "OrderPayload" }]);
    await processAt([tenant]);
    expect((await events(tenant))[0]).toMatchObject({ processedAt: null, attempts: 1, lastError: expect.stringMatching(/Could not read the order from Shopify/) });
    expect(await entries(tenant, order)).toEqual([]);

    await processAt([tenant], at(1));
    const [edited] = await entries(tenant, order);
    expect(editedDetails.parse(edited.details).lines).toEqual([
      { key: "21SHZ750", sku: "21SHZ750", title: titleOf(order, "21SHZ750"), sent: { quantity: 2, unitPrice: "32.00", discount: "0.00" }, now: { quantity: 1, unitPrice: "32.00", discount: "0.00" } },
      { key: "23RSE750", sku: "23RSE750", title: expect.stringMatching(/^Rosé 2024/), sent: null, now: { quantity: 2, unitPrice: "20.00", discount: "0.00" } },
    ]);
    expect(world.shopify.sim.requests(tenant.shop).filter((r) => r.operation === "OrderPayload" && r.status === 200)).toHaveLength(1);
  });
});

describe("an order not yet sent, changed in Shopify", () => {
  it("cancelled while held: skipped with the reason, and nothing listed", async () => {
    const tenant = await world.addTenant({ status: "PAUSED" });
    const order = await tenant.placeOrder({ lines: LINES });
    expect((await tenant.sync(order.gid)).status).toBe("HELD");
    await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(order.payload, iso(1)));
    await processAt([tenant]);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "SKIPPED", statusReason: expect.stringMatching(/cancelled in Shopify .* before it was sent/), nextAttemptAt: null });
    expect(await entries(tenant, order)).toEqual([]);
  });

  it("edited while pending: the record holds the current order (payload, content, hash), and nothing is listed", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: LINES });
    const before = await tenant.sync(order.gid);
    const edited = updatedOrder(order.payload, iso(1), { line_items: withQuantities(order.payload, { "21SHZ750": 5 }) });
    await deliverChange(intake, tenant.shop, "orders/updated", edited);
    await processAt([tenant]);
    const after = await tenant.sync(order.gid);
    expect(after).toMatchObject({ status: "PENDING", payload: { updated_at: edited.updated_at } });
    expect(after.content).toMatchObject({ lines: [{ sku: "21SHZ750", quantity: 5 }, { sku: "22CHA750" }] });
    expect(after.contentHash).not.toBe(before.contentHash);
    expect(await entries(tenant, order)).toEqual([]);
    // Sent now, what vintrace gets is the order as edited: a later change compares with that.
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect((await tenant.sync(order.gid)).contentHash).toBe(after.contentHash);
  });

  it("refunded while held: a warning on the record, once, and nothing listed", async () => {
    const tenant = await world.addTenant({ status: "PAUSED" });
    const order = await tenant.placeOrder({ lines: LINES });
    const refund = refundBody(order.payload, { createdAt: iso(1), lines: [{ sku: "21SHZ750", quantity: 1 }] });
    await deliverChange(intake, tenant.shop, "refunds/create", refund);
    await deliverChange(intake, tenant.shop, "refunds/create", refund);
    await processAt([tenant]);
    expect((await tenant.sync(order.gid)).warnings).toEqual([expect.stringMatching(/^Shopify shows a refund of 32\.00 AUD .* before the order was sent to vintrace\.$/)]);
    expect(await entries(tenant, order)).toEqual([]);
  });

  it("a record a worker holds (being sent now) is left for the next pass, then updated", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: LINES });
    const { id } = await tenant.sync(order.gid);
    await db.orderSync.update({ where: { id }, data: { leaseOwner: "another-worker", leaseUntil: at(1) } });
    await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(order.payload, iso(0)));
    await processAt([tenant]);
    expect((await events(tenant))[0]).toMatchObject({ processedAt: null, lastError: expect.stringMatching(/being sent to vintrace/) });
    expect((await tenant.sync(order.gid)).status).toBe("PENDING");

    await db.orderSync.update({ where: { id }, data: { leaseOwner: null, leaseUntil: null } });
    await processAt([tenant], at(1));
    expect((await tenant.sync(order.gid)).status).toBe("SKIPPED");
  });
});

describe("a change that comes before the order's record", () => {
  it("waits, with the reason, and applies once orders/create has made the record", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: LINES, deliver: false });
    const refund = refundBody(order.payload, { createdAt: iso(0), lines: [{ sku: "22CHA750", quantity: 1 }] });
    await deliverChange(intake, tenant.shop, "refunds/create", refund);
    await processAt([tenant]);
    expect((await events(tenant))[0]).toMatchObject({ processedAt: null, attempts: 1, lastError: expect.stringMatching(/orders\/create has not been received/) });

    await tenant.deliver(order);
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    // Not yet due again (it backs off); due a minute on.
    await processAt([tenant]);
    expect((await events(tenant))[0].processedAt).toBeNull();
    await processAt([tenant], at(1));
    expect((await entries(tenant, order)).map((e) => e.kind)).toEqual(["REFUNDED"]);
  });

  it("is let go after 15 minutes when no record ever comes (an order the winery does not send)", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: LINES, deliver: false });
    await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(order.payload, iso(0)));
    await processAt([tenant], at(14));
    expect((await events(tenant))[0].processedAt).toBeNull();
    await processAt([tenant], at(16));
    expect((await events(tenant))[0]).toMatchObject({ processedAt: expect.any(Date), lastError: expect.stringMatching(/No sync record/) });
  });
});

describe("a delivery about another shop's order", () => {
  it("signed with the app secret but sent under another shop's name, it never touches either shop's orders", async () => {
    const [shopA, shopB] = [await world.addTenant(), await world.addTenant()];
    const order = await sentOrder(shopA);
    await deliverChange(intake, shopB.shop, "orders/cancelled", cancelledOrder(order.payload, iso(0)));
    await deliverChange(intake, shopB.shop, "orders/edited", orderEditBody(order.payload, iso(0)));
    await processAt([shopA, shopB], at(16));
    expect((await events(shopB)).map((e) => e.processedAt !== null)).toEqual([true, true]);
    expect(await events(shopA)).toEqual([]);
    expect(await entries(shopA, order)).toEqual([]);
    expect(await db.orderChange.count({ where: { tenantId: shopB.tenantId } })).toBe(0);
  });
});

describe("running and keeping", () => {
  it("a worker process applies a delivery within seconds", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const started = await startWorkerProcess({ deps: world.deps(), onlyTenants: [tenant.tenantId], listenUrl: null, scheduler: false, productChecks: false, orderChanges: { pollMs: 50 } });
    try {
      await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(order.payload, iso(0)));
      await until("the Cancelled entry", async () => (await entries(tenant, order)).length === 1, 10_000);
    } finally {
      await started.stop();
    }
  });

  it("retention deletes processed events past the window and keeps waiting ones", async () => {
    const tenant = await world.addTenant();
    const order = await sentOrder(tenant);
    const waiting = await tenant.placeOrder({ lines: LINES, deliver: false });
    await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(order.payload, iso(0)));
    await deliverChange(intake, tenant.shop, "orders/cancelled", cancelledOrder(waiting.payload, iso(0)));
    await processAt([tenant]);
    await purgeExpiredData(db, 90, at(91 * 24 * 60));
    expect((await events(tenant)).map((e) => e.orderGid)).toEqual([waiting.gid]);
    expect(await entries(tenant, order)).toHaveLength(1);
  });
});
