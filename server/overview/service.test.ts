// The Overview's warnings as a winery sees them: silence measured against the winery's own threshold (the one its
// Alerts page sets), and a webhook problem explained to the merchant, with support's link kept for support.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { tenantHealth } from "./service";

const db = createPrisma();
const MINUTE = 60_000;
const now = new Date();
let n = 0;

async function tenantWaiting(minutesWaiting: number, fields: { silenceAlertMinutes?: number; subscriptionsProblem?: string } = {}) {
  const tag = `${Date.now().toString(36)}-${n++}`;
  const tenant = await db.tenant.create({
    data: {
      name: `Winery ${tag}`,
      shopDomain: `w-${tag}.myshopify.com`,
      ...(fields.silenceAlertMinutes ? { silenceAlertMinutes: fields.silenceAlertMinutes } : {}),
      shopify: { create: { accessTokenEnc: "x", subscriptionsProblem: fields.subscriptionsProblem ?? null } },
      vintrace: { create: { baseUrl: "https://x.vintrace.net/w", apiKeyEnc: "x", customerName: "Web", salesPriceList: "Retail" } },
    },
  });
  await db.orderSync.create({
    data: { tenantId: tenant.id, orderGid: `gid://shopify/Order/${tag}`, orderName: "#1001", source: "WEBHOOK", status: "PENDING", createdAt: new Date(now.getTime() - minutesWaiting * MINUTE) },
  });
  return tenant.id;
}

const kinds = async (tenantId: string) => (await tenantHealth(db, [tenantId], now))[0].warnings.map((w) => w.kind);

describe("the Overview's silence warning", () => {
  it("follows the winery's own silence threshold, not a fixed two hours", async () => {
    // Six hours set on the Alerts page: four hours of waiting is not silence yet, seven is.
    expect(await kinds(await tenantWaiting(4 * 60, { silenceAlertMinutes: 360 }))).not.toContain("SILENCE");
    expect(await kinds(await tenantWaiting(7 * 60, { silenceAlertMinutes: 360 }))).toContain("SILENCE");
    // Thirty minutes set: forty minutes of waiting is already silence.
    expect(await kinds(await tenantWaiting(40, { silenceAlertMinutes: 30 }))).toContain("SILENCE");
    expect(await kinds(await tenantWaiting(20, { silenceAlertMinutes: 30 }))).not.toContain("SILENCE");
  });
});

describe("the Overview of a winery in setup", () => {
  it("says setup is not finished, links to Settings, and takes hours of held orders for no silence", async () => {
    const tenantId = await tenantWaiting(10 * 60, { silenceAlertMinutes: 60 });
    await db.tenant.update({ where: { id: tenantId }, data: { status: "SETUP" } });
    await db.orderSync.updateMany({ where: { tenantId }, data: { status: "HELD" } });
    const [health] = await tenantHealth(db, [tenantId], now);
    expect(health.status).toBe("SETUP");
    expect(health.warnings.map((w) => w.kind)).toEqual(["SETUP"]);
    expect(health.warnings[0]).toMatchObject({ message: expect.stringMatching(/^Setup is not finished/), href: `/settings?winery=${tenantId}`, action: "Finish setup in Settings" });
  });
});

describe("the Overview's webhook warning", () => {
  it("tells the merchant what to do and that support knows, and links only support to the Wineries page", async () => {
    const tenantId = await tenantWaiting(1, { subscriptionsProblem: "orders/create: access denied" });
    const [health] = await tenantHealth(db, [tenantId], now);
    const warning = health.warnings.find((w) => w.kind === "WEBHOOKS");
    expect(warning?.message).toContain("orders/create: access denied");
    expect(warning?.message).toMatch(/support has been told/i);
    expect(warning?.message).toMatch(/check the sync log/i);
    expect(warning?.href).toBeNull();
    expect(warning?.action).toBeNull();
    expect(warning?.supportLink).toEqual({ href: `/wineries?winery=${tenantId}`, action: "See the connection" });
  });
});

describe("the Overview's connection warning", () => {
  async function failedOrder(tenantId: string, fields: { lastErrorClass: "AUTH" | "CONFIG"; lastErrorCause?: string }) {
    await db.orderSync.create({
      data: { tenantId, orderGid: `gid://shopify/Order/f-${Date.now()}-${n++}`, orderName: "#2001", source: "WEBHOOK", status: "FAILED", lastErrorMessage: "refused", ...fields },
    });
  }

  it("is about the key and the address, not a refused customer, and goes once Settings are saved after the failure", async () => {
    const refusedCustomer = await tenantWaiting(1);
    await failedOrder(refusedCustomer, { lastErrorClass: "CONFIG", lastErrorCause: "CUSTOMER_NOT_FOUND" });
    expect(await kinds(refusedCustomer)).not.toContain("CONNECTION");

    const refusedKey = await tenantWaiting(1);
    await failedOrder(refusedKey, { lastErrorClass: "AUTH" });
    expect(await kinds(refusedKey)).toContain("CONNECTION");
    await db.vintraceSettings.update({ where: { tenantId: refusedKey }, data: { authScheme: "BEARER" } });
    expect(await kinds(refusedKey)).not.toContain("CONNECTION");
  });
});

describe("a winery's place in setup", () => {
  it("names the setup step and how long the winery has been on it, and marks it stuck from three days", async () => {
    const onStep = async (hoursAgo: number, step: "CONNECT" | "PREVIEW") => {
      const tenantId = await tenantWaiting(1);
      await db.tenant.update({ where: { id: tenantId }, data: { status: "SETUP", setupStep: step, setupStepSince: new Date(now.getTime() - hoursAgo * 60 * MINUTE) } });
      return tenantId;
    };
    const [fresh, nearly, stuck] = [await onStep(2, "CONNECT"), await onStep(71, "PREVIEW"), await onStep(72, "PREVIEW")];
    const health = await tenantHealth(db, [fresh, nearly, stuck], now);
    const setupOf = (id: string) => health.find((h) => h.tenantId === id)?.setup;
    expect(setupOf(fresh)).toMatchObject({ step: "CONNECT", label: "Connect vintrace", age: "2 hours", stuck: false });
    expect(setupOf(nearly)).toMatchObject({ step: "PREVIEW", label: "Preview", age: "2 days", stuck: false });
    expect(setupOf(stuck)).toMatchObject({ step: "PREVIEW", label: "Preview", age: "3 days", stuck: true });
  });

  it("is not given for a live winery, whatever step it last had", async () => {
    const tenantId = await tenantWaiting(1);
    await db.tenant.update({ where: { id: tenantId }, data: { setupStep: "GO_LIVE", setupStepSince: new Date(now.getTime() - 10 * 24 * 60 * MINUTE) } });
    expect((await tenantHealth(db, [tenantId], now))[0].setup).toBeNull();
  });
});
