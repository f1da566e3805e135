// The demo wineries from simulators/catalog.ts as simulator seeds: one vintrace customer per winery, with its
// token, customer party, price list, storage area and a generous stock of every product that exists in vintrace.
import { demoWineries, type DemoWinery } from "../catalog";
import type { SeedInput } from "./state";

const DEMO_STOCK = 100_000;

export function demoSeed(winery: DemoWinery): SeedInput {
  const inVintrace = winery.products.flatMap((p) => (p.vintrace ? [p.vintrace] : []));
  return {
    tokens: [{ token: winery.vintraceToken, permissions: ["read", "sales:write"] }],
    parties: [{ id: 43, primeName: winery.customerName, isOrganization: true }],
    priceLists: [
      {
        ...winery.priceList,
        countryCurrencyCode: "AUD Australia Dollar",
        prices: Object.fromEntries(inVintrace.filter((v) => v.price !== null).map((v) => [v.code, v.price as number])),
      },
    ],
    storageAreas: [winery.storageArea],
    stockItems: inVintrace.map((v, index) => ({
      id: 100 + index,
      code: v.code,
      description: v.description,
      owner: winery.storageArea.wineryName,
      price: v.price,
      distributions: [{ areaId: winery.storageArea.id, qty: DEMO_STOCK, committed: 0 }],
    })),
  };
}

export const demoCustomers = () => demoWineries.map((winery) => ({ code: winery.vintraceCode, seed: demoSeed(winery) }));
