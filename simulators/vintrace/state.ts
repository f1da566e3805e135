// One vintrace customer's data inside the simulator, and the seed format that fills it. Every customer code has
// its own CustomerState, so tenants never see each other's data. Lookups are Maps keyed by id or code: the
// simulator serves benchmarks with thousands of orders.
import { z } from "zod";

const nullableText = z.string().nullish().transform((v) => v ?? null);

const addressSeed = z
  .object({
    street1: nullableText,
    street2: nullableText,
    city: nullableText,
    state: nullableText,
    postalCode: nullableText,
    country: nullableText,
  })
  .partial()
  .nullish();

export const partySeedSchema = z.object({
  id: z.number().int().optional(),
  primeName: z.string(),
  givenName: nullableText,
  email: nullableText,
  phone: nullableText,
  isOrganization: z.boolean().default(true),
  address: addressSeed,
});

export const priceListSeedSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  taxPolicy: z.enum(["Tax Inclusive", "Tax Exclusive"]).default("Tax Inclusive"),
  countryCurrencyCode: z.string().default("AUD Australia Dollar"),
  prices: z.record(z.string(), z.number()).default({}),
});

export const storageAreaSeedSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  buildingName: z.string().default("Main Shed"),
  tenantName: z.string().default("Winery"),
});

export const distributionSeedSchema = z.object({
  areaId: z.number().int(),
  qty: z.number().default(0),
  committed: z.number().default(0),
});

export const stockItemSeedSchema = z.object({
  id: z.number().int().optional(),
  code: z.string().min(1),
  description: nullableText,
  name: nullableText,
  sku: nullableText,
  unit: z.object({ description: z.string(), abbreviation: z.string() }).default({ description: "Single x1", abbreviation: "x1" }),
  stockType: z.string().default("Single x1"),
  owner: nullableText,
  price: z.number().nullish().transform((v) => v ?? null),
  distributions: z.array(distributionSeedSchema).default([]),
});

export const simOptionsSchema = z.object({
  customerNameCaseSensitive: z.boolean().default(true),
  rejectDuplicateExternalTransactionId: z.boolean().default(false),
  maxPageSize: z.number().int().positive().default(200),
  /** the name of the count field on /sales-order/list; "none" sends no count */
  listCountField: z.enum(["totalResult", "totalResultCount", "none"]).default("totalResult"),
  honourExternalTransactionIdFilter: z.boolean().default(true),
  /** report refusals as 200 + {status:"Error"} instead of 400 */
  softErrors: z.boolean().default(false),
  /** accept `Authorization: Basic base64(user:password)` where "user:password" is a seeded token */
  acceptBasicAuth: z.boolean().default(false),
});

export const seedSchema = z.object({
  tokens: z.array(z.object({ token: z.string().min(1), permissions: z.array(z.string()).default(["read", "sales:write"]) })).default([]),
  parties: z.array(partySeedSchema).default([]),
  priceLists: z.array(priceListSeedSchema).default([]),
  storageAreas: z.array(storageAreaSeedSchema).default([]),
  stockItems: z.array(stockItemSeedSchema).default([]),
  options: simOptionsSchema.partial().default({}),
});

export type SeedInput = z.input<typeof seedSchema>;
export type SimOptions = z.output<typeof simOptionsSchema>;
export type SimParty = Omit<z.output<typeof partySeedSchema>, "id" | "address"> & {
  id: number;
  address: { street1: string | null; street2: string | null; city: string | null; state: string | null; postalCode: string | null; country: string | null };
};
export type SimPriceList = z.output<typeof priceListSeedSchema>;
export type SimStorageArea = z.output<typeof storageAreaSeedSchema>;
export type SimStockItem = Omit<z.output<typeof stockItemSeedSchema>, "id"> & { id: number };
export type StockItemPatch = z.output<typeof stockItemSeedSchema>;

/** A stored sales order: its JSON as vintrace returns it, plus what the simulator needs to filter and to undo. */
export interface SimSalesOrder {
  id: number;
  code: string;
  externalTransactionId: string | null;
  customerName: string;
  status: string;
  /** YYYY-MM-DD in the tenant's time zone */
  orderDay: string | null;
  invoiceDay: string | null;
  json: Record<string, unknown>;
  commitments: Array<{ itemId: number; areaId: number; quantity: number }>;
}

export interface Fault {
  match: string;
  status?: number;
  headers?: Record<string, string>;
  contentType?: string;
  body?: unknown;
  commitBeforeFailing?: boolean;
  delayMs?: number;
}

export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
}

export interface CustomerState {
  code: string;
  tokens: Map<string, string[]>;
  parties: Map<number, SimParty>;
  priceLists: Map<number, SimPriceList>;
  storageAreas: Map<number, SimStorageArea>;
  stockItems: Map<number, SimStockItem>;
  stockByCode: Map<string, SimStockItem>;
  /** in id order: ids only grow */
  orders: SimSalesOrder[];
  ordersById: Map<number, SimSalesOrder>;
  ordersByCode: Map<string, SimSalesOrder>;
  ordersByExternalId: Map<string, SimSalesOrder[]>;
  nextOrderId: number;
  nextLineId: number;
  nextPartyId: number;
  nextStockItemId: number;
  options: SimOptions;
  faults: Fault[];
  requests: LoggedRequest[];
}

export function emptyCustomer(code: string): CustomerState {
  return {
    code,
    tokens: new Map(),
    parties: new Map(),
    priceLists: new Map(),
    storageAreas: new Map(),
    stockItems: new Map(),
    stockByCode: new Map(),
    orders: [],
    ordersById: new Map(),
    ordersByCode: new Map(),
    ordersByExternalId: new Map(),
    nextOrderId: 1,
    nextLineId: 1,
    nextPartyId: 1,
    nextStockItemId: 1,
    options: simOptionsSchema.parse({}),
    faults: [],
    requests: [],
  };
}

const emptyAddress = { street1: null, street2: null, city: null, state: null, postalCode: null, country: null };

/** Adds or replaces (by id, or by code for stock items) everything in the seed. */
export function applySeed(state: CustomerState, seed: z.output<typeof seedSchema>): void {
  for (const token of seed.tokens) state.tokens.set(token.token, token.permissions);
  for (const party of seed.parties) {
    const id = party.id ?? state.nextPartyId;
    state.nextPartyId = Math.max(state.nextPartyId, id + 1);
    state.parties.set(id, { ...party, id, address: { ...emptyAddress, ...party.address } });
  }
  for (const list of seed.priceLists) state.priceLists.set(list.id, list);
  for (const area of seed.storageAreas) state.storageAreas.set(area.id, area);
  for (const item of seed.stockItems) upsertStockItem(state, item);
  state.options = { ...state.options, ...seed.options };
}

export function upsertStockItem(state: CustomerState, patch: StockItemPatch): SimStockItem {
  const existing = (patch.id !== undefined ? state.stockItems.get(patch.id) : undefined) ?? state.stockByCode.get(patch.code);
  const id = existing?.id ?? patch.id ?? state.nextStockItemId;
  state.nextStockItemId = Math.max(state.nextStockItemId, id + 1);
  if (existing && existing.code !== patch.code) state.stockByCode.delete(existing.code);
  const item: SimStockItem = { ...patch, id };
  state.stockItems.set(id, item);
  state.stockByCode.set(item.code, item);
  return item;
}
