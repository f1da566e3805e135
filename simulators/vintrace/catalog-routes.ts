// Parties, inventory and stock lookup: the read-only v6 endpoints the app uses to check settings and products.
import { json, v6Error, type SimResponse } from "./respond";
import { readPaging } from "./sales-orders";
import type { CustomerState, SimStockItem } from "./state";

export function getPartyByName(state: CustomerState, name: string | null): SimResponse {
  if (!name) return v6Error(400, "name is required");
  for (const party of state.parties.values()) if (party.primeName === name) return json(200, party);
  return v6Error(404, `Party '${name}' not found`);
}

export function getPartyById(state: CustomerState, id: number): SimResponse {
  const party = state.parties.get(id);
  return party ? json(200, party) : v6Error(404, "Party not found");
}

export function listParties(state: CustomerState, query: URLSearchParams): SimResponse {
  const paging = readPaging(query, 100, state.options.maxPageSize);
  if ("refusal" in paging) return v6Error(400, paging.refusal);
  const startsWith = (query.get("startsWith") ?? "").toLowerCase();
  const category = query.get("category") ?? "All";
  if (!["All", "Individuals", "Organisations"].includes(category)) return v6Error(400, `Invalid category '${category}'`);
  const parties = [...state.parties.values()]
    .filter((p) => p.primeName.toLowerCase().startsWith(startsWith))
    .filter((p) => category === "All" || (category === "Organisations") === p.isOrganization)
    .sort((a, b) => a.id - b.id);
  return json(200, { status: "Success", message: null, parties: parties.slice(paging.first, paging.first + paging.max) });
}

/** One row per stock item per storage area; an item with no stock anywhere still gets one empty row. */
export function listInventory(state: CustomerState, query: URLSearchParams): SimResponse {
  const paging = readPaging(query, 20, state.options.maxPageSize);
  if ("refusal" in paging) return v6Error(400, paging.refusal);
  const stockType = query.get("stockType");
  const ownerName = query.get("ownerName");
  const rows: unknown[] = [];
  const end = paging.first + paging.max;
  let index = 0;
  for (const item of [...state.stockItems.values()].sort((a, b) => a.id - b.id)) {
    if ((stockType && item.stockType !== stockType) || (ownerName && item.owner !== ownerName)) continue;
    const distributions = item.distributions.length > 0 ? [...item.distributions].sort((a, b) => a.areaId - b.areaId) : [null];
    for (const distribution of distributions) {
      if (index >= paging.first && index < end) {
        const area = distribution ? state.storageAreas.get(distribution.areaId) : undefined;
        const quantity = distribution?.qty ?? 0;
        const committed = distribution?.committed ?? 0;
        rows.push({
          code: item.code,
          name: item.name ?? item.description,
          description: item.description,
          sku: item.sku,
          unit: item.unit.abbreviation,
          type: item.stockType,
          quantity,
          committed,
          onOrder: 0,
          available: quantity - committed,
          location: area ? `${area.buildingName} / ${area.name}` : null,
          tenant: area?.tenantName ?? null,
          owner: item.owner,
          price: item.price,
          priceAsText: item.price === null ? null : `$${item.price.toFixed(2)}`,
          stockItemDetailsEndpoint: `/${state.code}/api/v/stock/lookup?id=${item.id}`,
        });
      }
      index++;
    }
  }
  return json(200, { status: "Success", message: null, inventorySummaries: rows });
}

function stockItemDetails(state: CustomerState, item: SimStockItem) {
  return {
    id: item.id,
    code: item.code,
    description: item.description,
    itemType: item.stockType,
    unit: item.unit,
    owner: item.owner,
    sku: item.sku,
    labelAlcohol: null,
    lotTracked: false,
    levelTracked: true,
    subComponents: [],
    rawComponents: [],
    distributions: item.distributions.map((d, index) => {
      const area = state.storageAreas.get(d.areaId);
      return {
        id: item.id * 1000 + index,
        itemCode: item.code,
        qty: d.qty,
        available: d.qty - d.committed,
        areaName: area?.name ?? null,
        areaId: d.areaId,
        buildingName: area?.buildingName ?? null,
        tenantName: area?.tenantName ?? null,
        bay: null,
        lotCode: null,
        bondName: null,
        bondNumber: null,
        taxState: "Duty paid",
      };
    }),
  };
}

/** vintrace matches `code` against the start of the code, so this returns the first item (by id) with that prefix. */
export function lookupStock(state: CustomerState, query: URLSearchParams): SimResponse {
  const id = query.get("id");
  const code = query.get("code");
  let item: SimStockItem | undefined;
  if (id !== null) item = /^\d+$/.test(id) ? state.stockItems.get(Number(id)) : undefined;
  else if (code) {
    const prefix = code.toLowerCase();
    for (const candidate of state.stockItems.values()) {
      if (candidate.code.toLowerCase().startsWith(prefix) && (!item || candidate.id < item.id)) item = candidate;
    }
  } else return v6Error(400, "code or id is required");
  return item ? json(200, stockItemDetails(state, item)) : v6Error(404, "Stock item not found");
}

export function getMrpStock(state: CustomerState, id: number): SimResponse {
  const item = state.stockItems.get(id);
  if (!item) return v6Error(404, "Stock item not found");
  const onHand = item.distributions.reduce((sum, d) => sum + d.qty, 0);
  const committed = item.distributions.reduce((sum, d) => sum + d.committed, 0);
  return json(200, {
    id: item.id,
    code: item.code,
    name: item.name ?? item.description,
    description: item.description,
    inactive: false,
    type: { name: item.stockType },
    unit: item.unit,
    quantity: { onHand, committed, ordered: 0, available: onHand - committed },
    owner: item.owner,
    distributions: {
      distributions: item.distributions.map((d) => {
        const area = state.storageAreas.get(d.areaId);
        return {
          tenant: area ? { name: area.tenantName } : null,
          building: area ? { name: area.buildingName } : null,
          storageArea: { id: d.areaId, name: area?.name ?? null },
          quantity: { onHand: d.qty, committed: d.committed, ordered: 0, available: d.qty - d.committed },
          taxState: "Duty paid",
          virtual: false,
        };
      }),
    },
  });
}
