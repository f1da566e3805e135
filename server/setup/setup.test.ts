// The owner's setup wizard against the real PostgreSQL and both simulators: the steps are completed in order,
// audited, resumed and reopened; "How orders are sent" saves through the settings service; the preview shows the
// exact sales order the worker then sends, and the exact words it then fails with, while sending nothing; owners and
// support move the wizard on, staff and other wineries cannot.
import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import type { SetupStep } from "@/server/generated/prisma/client";
import { goLive } from "@/server/tenants/go-live";
import { runUntilIdle, startSyncWorldForFile } from "@/test/support/sync";
import type { LoggedRequest } from "@/simulators/vintrace/state";
import { setTestEnv } from "@/test/env";
import { previewOrders } from "./preview";
import { saveSending, sendingDefaults } from "./sending";
import { completeConnect, completeProducts } from "./step-checks";
import { completeStep, reopenStep, setupState } from "./steps";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
setTestEnv({ OUTBOUND_ALLOWLIST: world.vintraceSim.url });
const owner = { email: "owner@winery.test" };
const allowlist = () => [world.vintraceSim.url];

/** A connected winery, in setup at `step`, as an install and the earlier steps leave it. */
async function wineryInSetup(step: SetupStep = "CONNECT") {
  const tenant = await world.addTenant({ label: "wizard" });
  await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "SETUP", setupStep: step, setupStepSince: new Date() } });
  return tenant;
}

const audits = (tenantId: string, action: "setup.step_completed" | "setup.step_reopened") =>
  db.auditEvent.findMany({ where: { tenantId, action }, orderBy: { createdAt: "asc" }, select: { details: true, actorEmail: true } });

describe("the setup wizard's steps", () => {
  it("are completed in order, each audited, and the wizard resumes at the current one", async () => {
    const tenant = await wineryInSetup();
    const id = tenant.tenantId;
    expect(await setupState(db, id)).toMatchObject({ status: "SETUP", step: "CONNECT" });
    await expect(completeStep(db, id, "PRODUCTS", owner)).rejects.toThrow(/not the current setup step.*Connect vintrace/);

    // Connect: not while vintrace refuses the saved key, and vintrace's verdicts say why.
    const good = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: id } });
    await db.vintraceSettings.update({ where: { tenantId: id }, data: { apiKeyEnc: encryptSecret("not-a-key", { tenantId: id, column: "VintraceSettings.apiKeyEnc" }) } });
    const refused = await completeConnect(db, id, owner, allowlist());
    expect(refused).toMatchObject({ ok: false, problem: expect.stringMatching(/vintrace does not accept the saved settings/), verification: { ok: false } });
    expect((await setupState(db, id)).step).toBe("CONNECT");
    await db.vintraceSettings.update({ where: { tenantId: id }, data: { apiKeyEnc: good.apiKeyEnc } });
    expect(await completeConnect(db, id, owner, allowlist())).toEqual({ ok: true, next: "PRODUCTS" });

    // Products: once a check has finished, mismatches or not.
    await expect(completeProducts(db, id, owner)).rejects.toThrow(/Run the product check first/);
    await db.productCheck.create({ data: { tenantId: id, trigger: "user:owner@winery.test", status: "DONE", finishedAt: new Date(), summary: { missingInVintrace: 2 } } });
    expect(await completeProducts(db, id, owner)).toEqual({ next: "SENDING" });

    // Leaving and coming back lands on the current step; moving stamps the time of the move.
    const at = new Date("2030-01-02T03:04:05Z");
    await db.tenant.update({ where: { id }, data: { setupStep: "PREVIEW" } });
    expect(await completeStep(db, id, "PREVIEW", owner, at)).toBe("GO_LIVE");
    expect(await setupState(db, id)).toMatchObject({ step: "GO_LIVE", stepSince: at });
    expect((await audits(id, "setup.step_completed")).map((a) => a.details)).toEqual([
      { step: "CONNECT", next: "PRODUCTS" },
      { step: "PRODUCTS", next: "SENDING" },
      { step: "PREVIEW", next: "GO_LIVE" },
    ]);
  });

  it("goes back to an earlier step, audited, and never skips ahead", async () => {
    const tenant = await wineryInSetup("SENDING");
    const id = tenant.tenantId;
    await expect(reopenStep(db, id, "PREVIEW", owner)).rejects.toThrow(/Finish "How orders are sent" first/);
    expect(await reopenStep(db, id, "SENDING", owner)).toBe("SENDING");
    expect(await audits(id, "setup.step_reopened")).toEqual([]);

    expect(await reopenStep(db, id, "CONNECT", owner)).toBe("CONNECT");
    expect(await setupState(db, id)).toMatchObject({ step: "CONNECT" });
    expect(await audits(id, "setup.step_reopened")).toEqual([{ details: { step: "CONNECT", from: "SENDING" }, actorEmail: owner.email }]);
    // The steps after it are done again, in order.
    await expect(completeStep(db, id, "SENDING", owner)).rejects.toThrow(/not the current setup step/);
  });

  it("saves how orders are sent through the settings service, with defaults that say where they came from", async () => {
    const tenant = await wineryInSetup("SENDING");
    const id = tenant.tenantId;
    await tenant.placeOrder({ lines: [{ sku: "21SHZ750", qty: 1 }] });
    const defaults = await sendingDefaults(db, world.adminFor, id);
    expect(defaults.taxPolicy).toEqual({ value: "INCLUSIVE", source: expect.stringMatching(/recent Shopify orders had prices including tax/) });
    expect(defaults.syncTestOrders).toEqual({ value: false, source: expect.stringMatching(/test orders are not sent/) });
    // The start date as stored; one moved since the install says it was saved.
    const stored = (await db.tenant.findUniqueOrThrow({ where: { id } })).syncOrdersCreatedAfter.toISOString().slice(0, 10);
    expect(defaults.startDate.value).toBe(stored);
    await db.tenant.update({ where: { id }, data: { syncOrdersCreatedAfter: new Date("2026-01-15T00:00:00Z") } });
    expect((await sendingDefaults(db, world.adminFor, id)).startDate).toEqual({ value: "2026-01-15", source: "As saved in Settings: orders created before it are never sent." });
    // What vintrace reported for the price list comes first.
    await db.vintraceSettings.update({ where: { tenantId: id }, data: { vintraceTaxPolicy: "EXCLUSIVE", vintraceTaxPolicyAt: new Date() } });
    expect((await sendingDefaults(db, world.adminFor, id)).taxPolicy).toEqual({ value: "EXCLUSIVE", source: "As vintrace reported for your price list." });

    const choices = { startDate: new Date("2026-11-01T00:00:00Z"), syncTestOrders: true, taxPolicy: "EXCLUSIVE" as const, discountMode: "PERCENT" as const };
    expect(await saveSending(db, id, choices, owner, allowlist())).toEqual({ next: "PREVIEW" });
    expect(await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: id } })).toMatchObject({ syncTestOrders: true, taxPolicy: "EXCLUSIVE", discountMode: "PERCENT" });
    expect((await db.tenant.findUniqueOrThrow({ where: { id } })).syncOrdersCreatedAfter).toEqual(choices.startDate);
    const changed = await db.auditEvent.findMany({ where: { tenantId: id, action: "settings.changed" } });
    expect(changed.flatMap((a) => (a.details as { changes: { field: string }[] }).changes.map((c) => c.field)).sort()).toEqual([
      "discountMode",
      "syncOrdersCreatedAfter",
      "syncTestOrders",
      "taxPolicy",
    ]);
  });
});

describe("the preview", () => {
  it("shows the exact sales order the worker then sends, and the exact words it then fails with, and sends nothing", async () => {
    const tenant = await wineryInSetup("PREVIEW");
    const id = tenant.tenantId;
    await db.skuMapping.create({ data: { tenantId: id, shopifySku: "SIXPACK", vintraceCode: "21SHZ750", multiplier: 6 } });
    const good = await tenant.placeOrder({ lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "SIXPACK", qty: 1, price: "180.00", title: "Shiraz six-pack" }] });
    const unknown = await tenant.placeOrder({ lines: [{ sku: "NOPE-1", qty: 1, price: "20.00", title: "Mystery red" }] });
    const noSku = await tenant.placeOrder({ lines: [{ sku: "", qty: 1, price: "15.00", title: "Gift box" }] });
    await tenant.simControl("requests", undefined, "DELETE");

    const deps = { db, adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor };
    const previews = await previewOrders(deps, id, [good.gid, unknown.gid, noSku.gid]);
    expect(previews.map((p) => [p.name, p.outcome])).toEqual([
      [good.name, "send"],
      [unknown.name, "fail"],
      [noSku.name, "fail"],
    ]);
    const [sent, unknownReason, noSkuReason] = previews;
    expect(sent.outcome === "send" && sent.body.salesOrderItems.map((i) => [i.itemName, i.quantity])).toEqual([
      ["21SHZ750", 2],
      ["21SHZ750", 6],
    ]);
    expect(unknownReason).toMatchObject({ reason: "vintrace has no stock item with code 'NOPE-1' (Shopify line 'Mystery red'). Add it in vintrace or map the SKU on the Products page." });
    expect(noSkuReason).toMatchObject({
      reason: "Line 'Gift box' has no SKU; vintrace needs its stock item code. Add the SKU in Shopify, or ignore lines without a SKU on the Products page.",
    });

    // Nothing was sent to vintrace (only looked up), nothing written to Shopify or to the held records.
    const requests = (await tenant.simControl("requests", undefined, "GET")) as LoggedRequest[];
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
    for (const order of [good, unknown, noSku]) {
      expect(tenant.tags(order.gid)).toEqual([]);
      expect(await tenant.sync(order.gid)).toMatchObject({ status: "HELD", attempts: 0 });
    }

    // Going live, the worker sends exactly that body, and fails the others with exactly those words.
    await goLive(db, id, owner, { allowlist: allowlist(), retry: deps });
    expect(await runUntilIdle(world.deps(), [id])).toEqual(expect.arrayContaining(["synced", "failed", "failed"]));
    const posted = ((await tenant.simControl("requests", undefined, "GET")) as LoggedRequest[]).filter((r) => r.method === "POST" && r.path.endsWith("/sales-order"));
    const postedBody = posted.map((r) => r.body).find((b) => (b as { reference?: string }).reference === good.name);
    expect(postedBody).toEqual(sent.outcome === "send" ? JSON.parse(JSON.stringify(sent.body)) : null);
    expect(await tenant.sync(unknown.gid)).toMatchObject({ status: "FAILED", lastErrorMessage: unknownReason.outcome === "fail" ? unknownReason.reason : null });
    expect(await tenant.sync(noSku.gid)).toMatchObject({ status: "FAILED", lastErrorMessage: noSkuReason.outcome === "fail" ? noSkuReason.reason : null });
  });

  it("says an order would be skipped, in the sync log's words", async () => {
    const tenant = await wineryInSetup("PREVIEW");
    const test = await tenant.placeOrder({ test: true });
    const [preview] = await previewOrders({ db, adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor }, tenant.tenantId, [test.gid]);
    expect(preview).toMatchObject({ outcome: "skip", reason: expect.stringMatching(/^Skipped: this is a Shopify test order/) });
  });
});

describe("who moves the wizard on", () => {
  const userOf = async (email: string, role: "OWNER" | "STAFF" | null, tenantId: string): Promise<CurrentUser> => {
    const user = await db.user.create({ data: { email, role: role ? "MERCHANT" : "SUPPORT", memberships: role ? { create: { tenantId, role } } : undefined } });
    return { id: user.id, email, name: null, role: role ? "MERCHANT" : "SUPPORT", tenantIds: role ? [tenantId] : [], ownerOf: role === "OWNER" ? [tenantId] : [] };
  };

  it("support does a step on the winery's behalf; its staff and another winery's owner cannot", async () => {
    const tenant = await wineryInSetup("PRODUCTS");
    const other = await wineryInSetup();
    const stamp = Date.now().toString(36);
    const support = createCaller({ db, user: await userOf(`support-${stamp}@winehub.test`, null, tenant.tenantId) });
    const staff = createCaller({ db, user: await userOf(`staff-${stamp}@winery.test`, "STAFF", tenant.tenantId) });
    const stranger = createCaller({ db, user: await userOf(`owner-${stamp}@other.test`, "OWNER", other.tenantId) });
    const input = { tenantId: tenant.tenantId };

    await expect(stranger.setup.state(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(stranger.setup.reopen({ ...input, step: "CONNECT" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(staff.setup.reopen({ ...input, step: "CONNECT" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(staff.setup.goLive({ ...input, sendHeld: true, since: null })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await staff.setup.state(input)).toMatchObject({ step: "PRODUCTS", canChange: false });

    expect(await support.setup.state(input)).toMatchObject({ step: "PRODUCTS", canChange: true });
    expect(await support.setup.reopen({ ...input, step: "CONNECT" })).toEqual({ step: "CONNECT" });
    expect(await support.setup.completeConnect(input)).toEqual({ ok: true, next: "PRODUCTS" });
    expect((await audits(tenant.tenantId, "setup.step_completed")).map((a) => a.actorEmail)).toEqual([`support-${stamp}@winehub.test`]);
    expect((await setupState(db, other.tenantId)).step).toBe("CONNECT");
  });
});
