import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";

const db = createPrisma();
afterAll(() => db.$disconnect());

describe("the test database", () => {
  it("is migrated and enforces one sync record per tenant and order", async () => {
    const tenant = await db.tenant.create({ data: { name: "Uniq", shopDomain: `uniq-${Date.now()}.myshopify.com` } });
    const data = { tenantId: tenant.id, orderGid: "gid://shopify/Order/1", orderName: "#1001", source: "WEBHOOK" as const };
    await db.orderSync.create({ data });
    await expect(db.orderSync.create({ data })).rejects.toThrow(/Unique constraint/);
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "OrderSync" WHERE "tenantId" = ${tenant.id} FOR UPDATE SKIP LOCKED`;
    expect(rows).toHaveLength(1);
  });
});
