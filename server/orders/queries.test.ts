import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { failedOrderNamesByCause, failureGroups, tenantHealth } from "../overview/service";
import { allSyncLogRows, listSyncLog, type SyncLogRow } from "./sync-log";

const db = createPrisma();
const HOUR = 60 * 60 * 1000;
const now = new Date();
const stamp = Date.now().toString(36);
let quiet: string;
let busy: string;

async function order(tenantId: string, n: number, fields: Record<string, unknown>) {
  return db.orderSync.create({
    data: { tenantId, orderGid: `gid://shopify/Order/${n}`, orderName: `#${n}`, source: "WEBHOOK", ...fields },
  });
}

beforeAll(async () => {
  quiet = (await db.tenant.create({ data: { name: "Quiet Hills", shopDomain: `quiet-${stamp}.myshopify.com`, shopify: { create: { accessTokenEnc: "x" } } } })).id;
  busy = (
    await db.tenant.create({
      data: {
        name: "Busy Creek",
        shopDomain: `busy-${stamp}.myshopify.com`,
        shopify: { create: { accessTokenEnc: "x", subscriptionsProblem: "orders/create: access denied" } },
        vintrace: { create: { baseUrl: "https://x.vintrace.net/busy", apiKeyEnc: "x", customerName: "Web", salesPriceList: "Retail" } },
      },
    })
  ).id;
  // Quiet Hills: synced 5 h ago, then three orders that have waited 4 h, 3 h and 10 minutes.
  await order(quiet, 1001, { status: "SYNCED", createdAt: new Date(now.getTime() - 6 * HOUR), syncedAt: new Date(now.getTime() - 5 * HOUR) });
  await order(quiet, 1002, { status: "PENDING", createdAt: new Date(now.getTime() - 4 * HOUR), lastErrorClass: "TRANSIENT", lastErrorMessage: "vintrace answered 503" });
  await order(quiet, 1003, { status: "FAILED", createdAt: new Date(now.getTime() - 3 * HOUR), lastErrorClass: "TRANSIENT", lastErrorMessage: "vintrace did not answer" });
  await order(quiet, 1004, { status: "FAILED", createdAt: new Date(now.getTime() - 10 * 60 * 1000), lastErrorClass: "AUTH", lastErrorMessage: "vintrace refused the API key" });
  // Busy Creek: 120 orders over the last 10 days, one in ten failed on an unknown SKU, one cannot reach Shopify.
  for (let i = 0; i < 120; i++) {
    const failed = i % 10 === 0;
    await order(busy, 2000 + i, {
      status: failed ? "FAILED" : "SYNCED",
      createdAt: new Date(now.getTime() - i * 2 * HOUR),
      syncedAt: failed ? null : new Date(now.getTime() - i * 2 * HOUR + 60_000),
      ...(failed ? { lastErrorClass: "VALIDATION", lastErrorMessage: "SKU X is not a vintrace stock code", lastErrorFix: "products" } : {}),
    });
  }
  await order(busy, 3000, { status: "FAILED", createdAt: new Date(now.getTime() - HOUR), lastErrorClass: "TRANSIENT", lastErrorMessage: "Could not read the order from Shopify (timeout)" });
});

afterAll(async () => {
  await db.tenant.deleteMany({ where: { id: { in: [quiet, busy] } } });
  await db.$disconnect();
});

describe("the sync log", () => {
  it("pages by keyset through every row exactly once, newest first", async () => {
    const seen: SyncLogRow[] = [];
    for await (const page of allSyncLogRows(db, { tenantIds: [busy] }, {}, 7)) seen.push(...page);
    expect(seen).toHaveLength(121);
    expect(new Set(seen.map((r) => r.id)).size).toBe(121);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(seen[i].createdAt.getTime());
    expect(seen[0].tenantName).toBe("Busy Creek");
  });

  it("filters by status, cause, name and date, and never leaks another winery's rows", async () => {
    const failed = await listSyncLog(db, { tenantIds: [busy] }, { statuses: ["FAILED"] }, { limit: 100 });
    expect(failed.rows).toHaveLength(13);
    expect(failed.nextCursor).toBeNull();
    const shopify = await listSyncLog(db, { tenantIds: [busy] }, { causes: ["SHOPIFY_UNREACHABLE"] });
    expect(shopify.rows.map((r) => r.orderName)).toEqual(["#3000"]);
    const byName = await listSyncLog(db, { tenantIds: [busy] }, { search: "#2011" });
    expect(byName.rows.map((r) => r.orderName)).toEqual(["#2011"]);
    const bare = await listSyncLog(db, { tenantIds: [busy] }, { search: "201" });
    expect(bare.rows.map((r) => r.orderName).sort()).toEqual(["#2010", "#2011", "#2012", "#2013", "#2014", "#2015", "#2016", "#2017", "#2018", "#2019"]);
    const wildcard = await listSyncLog(db, { tenantIds: [busy] }, { search: "%" });
    expect(wildcard.rows).toHaveLength(0);
    const window = await listSyncLog(db, { tenantIds: [busy] }, { from: new Date(now.getTime() - 5 * HOUR), to: new Date(now.getTime() - HOUR + 1) }, { limit: 100 });
    expect(window.rows.map((r) => r.orderName).sort()).toEqual(["#2001", "#2002", "#3000"]);
    const other = await listSyncLog(db, { tenantIds: [quiet] }, { search: "2011" });
    expect(other.rows).toHaveLength(0);
    expect((await listSyncLog(db, { tenantIds: [] }, {})).rows).toHaveLength(0);
  });
});

describe("the overview", () => {
  it("counts, rates and warns per winery", async () => {
    const [busyHealth, quietHealth] = await tenantHealth(db, [quiet, busy], now);
    expect(busyHealth.name).toBe("Busy Creek");
    expect(busyHealth.synced).toBe(108);
    expect(busyHealth.failed).toBe(13);
    expect(busyHealth.successRate).toBeCloseTo(108 / 121);
    expect(busyHealth.days).toHaveLength(14);
    expect(busyHealth.days.reduce((n, d) => n + d.synced + d.failed, 0)).toBe(121);
    expect(busyHealth.warnings.map((w) => w.kind)).toEqual(["WEBHOOKS"]);

    expect(quietHealth.pending).toBe(1);
    expect(quietHealth.lastSyncedAt?.getTime()).toBe(now.getTime() - 5 * HOUR);
    const kinds = quietHealth.warnings.map((w) => w.kind);
    expect(kinds).toContain("SILENCE");
    expect(kinds).toContain("CONNECTION");
    expect(kinds).toContain("VINTRACE_NOT_SET_UP");
    const silence = quietHealth.warnings.find((w) => w.kind === "SILENCE");
    expect(silence?.message).toMatch(/none has synced for 5 h: 3 orders have waited/);
    expect(silence?.href).toContain(`winery=${quiet}`);
  });

  it("groups failures by cause across wineries", async () => {
    const groups = await failureGroups(db, [quiet, busy]);
    const byCause = Object.fromEntries(groups.map((g) => [g.cause, g]));
    expect(byCause.VALIDATION.orders).toBe(12);
    expect(byCause.VALIDATION.tenants).toBe(1);
    expect(byCause.VALIDATION.fix).toBe("products");
    expect(byCause.VINTRACE_UNREACHABLE).toMatchObject({ orders: 1, tenants: 1, retryable: true });
    expect(byCause.SHOPIFY_UNREACHABLE).toMatchObject({ orders: 1, tenants: 1 });
    expect(byCause.AUTH).toMatchObject({ orders: 1, fix: "settings", retryable: false });
    expect(groups[0].cause).toBe("VALIDATION");
    const names = await failedOrderNamesByCause(db, [quiet, busy], "VINTRACE_UNREACHABLE");
    expect([...names.entries()]).toEqual([[quiet, ["#1003"]]]);
  });
});
