import type { Db } from "@/server/db";
import { encryptSecret } from "@/server/crypto";
import { hashPassword } from "@/server/auth/password";
import { newTenantId, vintraceSettingsData } from "@/server/tenants/service";
import { demoTenants } from "@/simulators/catalog";
import { demoAccessToken } from "@/simulators/shopify/server";

export const DEMO_LOGINS = [
  { email: "support@winehub.test", password: "support-demo-pass", role: "SUPPORT" as const, shop: null },
  { email: "owner@hilltop.test", password: "hilltop-demo-pass", role: "MERCHANT" as const, shop: demoTenants[0].shopDomain },
  { email: "owner@riverbend.test", password: "riverbend-demo-pass", role: "MERCHANT" as const, shop: demoTenants[1].shopDomain },
];

/**
 * The demo wineries, connected to the simulators, and the demo logins. Safe to run again: it updates the
 * connection details (the simulators' ports may differ) and keeps everything else, including orders.
 */
export async function seedDemo(db: Db, vintraceUrlFor: (code: string) => string, allowlist: string[]): Promise<void> {
  for (const demo of demoTenants) {
    const tenantId = (await db.tenant.findUnique({ where: { shopDomain: demo.shopDomain }, select: { id: true } }))?.id ?? newTenantId();
    const settings = vintraceSettingsData(
      {
        baseUrl: vintraceUrlFor(demo.vintraceCode),
        apiKey: demo.vintraceToken,
        customerName: demo.customerName,
        salesPriceList: demo.priceList.name,
        storageAreaId: demo.storageArea.id,
      },
      allowlist,
      tenantId,
    );
    const taxPolicy = demo.priceList.taxPolicy === "Tax Inclusive" ? "INCLUSIVE" : "EXCLUSIVE";
    const tenant = await db.tenant.upsert({
      where: { shopDomain: demo.shopDomain },
      create: {
        id: tenantId,
        name: demo.name,
        shopDomain: demo.shopDomain,
        // the demo's simulated orders may carry any date
        syncOrdersCreatedAfter: new Date("2020-01-01T00:00:00Z"),
        vintrace: { create: { ...settings, taxPolicy } },
      },
      update: { vintrace: { update: { baseUrl: settings.baseUrl } } },
    });
    await db.shopifyConnection.upsert({
      where: { tenantId: tenant.id },
      create: {
        tenantId: tenant.id,
        method: "MANUAL",
        accessTokenEnc: encryptSecret(demoAccessToken(demo.shopDomain), { tenantId: tenant.id, column: "ShopifyConnection.accessTokenEnc" }),
        scopes: "read_orders,write_orders,read_products",
      },
      update: {},
    });
  }
  for (const login of DEMO_LOGINS) {
    if (await db.user.findUnique({ where: { email: login.email } })) continue;
    const tenant = login.shop ? await db.tenant.findUniqueOrThrow({ where: { shopDomain: login.shop } }) : null;
    await db.user.create({
      data: {
        email: login.email,
        passwordHash: await hashPassword(login.password),
        role: login.role,
        memberships: tenant ? { create: { tenantId: tenant.id, role: "OWNER" } } : undefined,
      },
    });
  }
}
