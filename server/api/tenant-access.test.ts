import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { loadCurrentUser } from "@/server/auth/current-user";
import { openSession } from "@/server/auth/sessions";
import { createPrisma } from "@/server/db";

const db = createPrisma();
const stamp = Date.now();
let a = "";
let b = "";
let merchantId = "";
let supportId = "";

beforeAll(async () => {
  a = (await db.tenant.create({ data: { name: "Winery A", shopDomain: `a-${stamp}.myshopify.com` } })).id;
  b = (await db.tenant.create({ data: { name: "Winery B", shopDomain: `b-${stamp}.myshopify.com` } })).id;
  merchantId = (
    await db.user.create({ data: { email: `m-${stamp}@a.test`, role: "MERCHANT", memberships: { create: { tenantId: a, role: "OWNER" } } } })
  ).id;
  supportId = (await db.user.create({ data: { email: `s-${stamp}@winehub.test`, role: "SUPPORT" } })).id;
});
afterAll(() => db.$disconnect());

const callerFor = async (userId: string) =>
  createCaller({ db, user: await loadCurrentUser(db, { uid: userId, sv: 0, sid: await openSession(db, userId) }) });

describe("the tenant-scoped builder", () => {
  it("lets a merchant of winery A read A, and not B", async () => {
    const merchant = await callerFor(merchantId);
    await expect(merchant.tenants.get({ tenantId: a })).resolves.toMatchObject({ id: a, name: "Winery A" });
    await expect(merchant.tenants.get({ tenantId: b })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const listed = await merchant.tenants.list();
    expect(listed.map((t) => t.id)).toEqual([a]);
  });

  it("lets support staff read every winery", async () => {
    const support = await callerFor(supportId);
    await expect(support.tenants.get({ tenantId: b })).resolves.toMatchObject({ id: b });
    const ids = (await support.tenants.list()).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([a, b]));
  });

  it("refuses signed-out callers", async () => {
    const anonymous = createCaller({ db, user: null });
    await expect(anonymous.tenants.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.tenants.get({ tenantId: a })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
