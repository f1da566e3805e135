// The demo wineries from simulators/catalog.ts as simulator seeds: one vintrace customer per winery, with its
// token, customer party, price list, storage area and a generous stock of every product that exists in vintrace.
import { demoTenants, type DemoTenant } from "../catalog";
import type { SeedInput } from "./state";

const DEMO_STOCK = 100_000;

export function demoSeed(tenant: DemoTenant): SeedInput {
  const inVintrace = tenant.products.flatMap((p) => (p.vintrace ? [p.vintrace] : []));
  return {
    tokens: [{ token: tenant.vintraceToken, permissions: ["read", "sales:write"] }],
    parties: [{ id: 43, primeName: tenant.customerName, isOrganization: true }],
    priceLists: [
      {
        ...tenant.priceList,
        countryCurrencyCode: "AUD Australia Dollar",
        prices: Object.fromEntries(inVintrace.filter((v) => v.price !== null).map((v) => [v.code, v.price as number])),
      },
    ],
    storageAreas: [tenant.storageArea],
    stockItems: inVintrace.map((v, index) => ({
      id: 100 + index,
      code: v.code,
      description: v.description,
      owner: tenant.storageArea.tenantName,
      price: v.price,
      distributions: [{ areaId: tenant.storageArea.id, qty: DEMO_STOCK, committed: 0 }],
    })),
  };
}

export const demoCustomers = () => demoTenants.map((tenant) => ({ code: tenant.vintraceCode, seed: demoSeed(tenant) }));
