// The Overview's retry of a failure group, in a winery still being set up: the orders it queues are held with the
// reason, never sent, while a live winery's group goes out. Real PostgreSQL and both simulators.
import { describe, expect, it, vi } from "vitest";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { REASONS } from "@/server/sync/queue";
import { runUntilIdle, startSyncWorldForFile, type Tenant } from "@/test/support/sync";
import { retryGroup } from "./group-retry";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
// The group retry reaches Shopify and vintrace through the stored connections; here, those of the simulators.
vi.mock("@/server/orders/retry", () => ({ retryDeps: () => ({ adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor }) }));

const support: CurrentUser = { id: "support", email: "support@winehub.test", name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
const explain = (error: unknown) => String(error);

/** An order of the winery's that failed for good because vintrace did not answer. */
async function unreachableFailure(tenant: Tenant) {
  const order = await tenant.placeOrder({ deliver: false });
  await db.orderSync.create({
    data: {
      tenantId: tenant.tenantId,
      orderGid: order.gid,
      orderName: order.name,
      source: "WEBHOOK",
      status: "FAILED",
      attempts: 10,
      lastErrorClass: "TRANSIENT",
      lastErrorMessage: "vintrace did not answer",
    },
  });
  return order;
}

describe("a failure group's retry", () => {
  it("holds the orders of a winery in setup with the reason, and sends a live winery's", async () => {
    const [inSetup, live] = [await world.addTenant({ label: "group-setup" }), await world.addTenant({ label: "group-live" })];
    await db.tenant.update({ where: { id: inSetup.tenantId }, data: { status: "SETUP" } });
    const [held, sent] = [await unreachableFailure(inSetup), await unreachableFailure(live)];

    const result = await retryGroup(db, support, [inSetup.tenantId, live.tenantId], "VINTRACE_UNREACHABLE", explain);
    expect(result).toMatchObject({ queued: 2, problems: [] });
    expect(await inSetup.sync(held.gid)).toMatchObject({ status: "HELD", statusReason: REASONS.setup, nextAttemptAt: null, attempts: 0 });

    expect(await runUntilIdle(world.deps(), [inSetup.tenantId, live.tenantId])).toEqual(["synced"]);
    expect(await live.salesOrdersFor(sent.gid)).toHaveLength(1);
    expect(await inSetup.salesOrdersFor(held.gid)).toHaveLength(0);
  });
});
