// The typed vintrace v6 client: the calls this app makes, each returning a VintraceResult. Sales orders, parties,
// inventory and stock lookup exist only in v6 (v7 has no sales surface), so this client speaks v6 only.
import "server-only";
import { succeed, type VintraceResult } from "./errors";
import { createSender, type QueryValue, type VintraceConnection } from "./http";
import { allRows, pages, type FetchPage, type Page } from "./paging";
import type { SalesOrderBody } from "./sales-order-body";
import {
  inventoryListSchema,
  partyListSchema,
  partySchema,
  salesOrderListSchema,
  salesOrderSchema,
  salesOrderWriteSchema,
  stockItemDetailsSchema,
  stockItemIdOf,
  type InventoryRow,
  type Party,
  type SalesOrder,
  type StockItemDetails,
} from "./schemas";

export interface SalesOrderFilter {
  externalTransactionId?: string;
  customerName?: string;
  /** YYYY-MM-DD, order date */
  startDate?: string;
  endDate?: string;
  status?: string;
  /** code prefix, e.g. "VSO" */
  startsWith?: string;
}

export interface PartyFilter {
  startsWith?: string;
  category?: "All" | "Individuals" | "Organisations";
}

export interface InventoryFilter {
  stockType?: string;
  ownerName?: string;
}

/** Page sizes: /sales-order/list and /party/list document 100 as their default; /inventory is asked for the same. */
export const LIST_PAGE_SIZE = 100;

export interface VintraceClient {
  createSalesOrder(body: SalesOrderBody): Promise<VintraceResult<SalesOrder>>;
  /** by id (a number) or by code (a string such as "VSO12") */
  getSalesOrder(idOrCode: number | string): Promise<VintraceResult<SalesOrder>>;
  listSalesOrders(filter: SalesOrderFilter, first?: number, max?: number): Promise<VintraceResult<Page<SalesOrder>>>;
  salesOrderPages(filter: SalesOrderFilter): AsyncGenerator<VintraceResult<SalesOrder[]>>;
  /** the party whose primeName is exactly `name`, or null */
  findParty(name: string): Promise<VintraceResult<Party | null>>;
  getParty(id: number): Promise<VintraceResult<Party | null>>;
  partyPages(filter: PartyFilter): AsyncGenerator<VintraceResult<Party[]>>;
  /** the stock item whose code is exactly `code`, or null (vintrace's lookup matches prefixes) */
  lookupStock(code: string): Promise<VintraceResult<StockItemDetails | null>>;
  lookupStockById(id: number): Promise<VintraceResult<StockItemDetails | null>>;
  inventoryPages(filter?: InventoryFilter): AsyncGenerator<VintraceResult<InventoryRow[]>>;
  listInventory(filter?: InventoryFilter): Promise<VintraceResult<InventoryRow[]>>;
}

export type VintraceClientOptions = VintraceConnection;

/** A 404 on a lookup is an answer ("there is none"), not a failure. */
function orNull<T>(result: VintraceResult<T>): VintraceResult<T | null> {
  if (!result.ok && result.error.class === "NOT_FOUND") return succeed(null);
  return result;
}

export function createVintraceClient(options: VintraceClientOptions): VintraceClient {
  const send = createSender(options);

  const salesOrderPage =
    (filter: SalesOrderFilter): FetchPage<SalesOrder> =>
    (first, max) =>
      send({ method: "GET", path: "/sales-order/list", query: { ...filter, first, max }, schema: salesOrderListSchema, what: "sales order list" });
  const partyPage =
    (filter: PartyFilter): FetchPage<Party> =>
    (first, max) =>
      send({ method: "GET", path: "/party/list", query: { ...filter, first, max }, schema: partyListSchema, what: "party list" });
  const inventoryPage =
    (filter: InventoryFilter): FetchPage<InventoryRow> =>
    (first, max) =>
      send({ method: "GET", path: "/inventory", query: { ...(filter as Record<string, QueryValue>), first, max }, schema: inventoryListSchema, what: "inventory" });

  const lookupStockById = async (id: number) =>
    orNull(await send({ method: "GET", path: "/stock/lookup", query: { id }, schema: stockItemDetailsSchema, what: `stock item with id ${id}` }));

  return {
    createSalesOrder: (body) => send({ method: "POST", path: "/sales-order", body, schema: salesOrderWriteSchema, what: "sales order to update" }),

    getSalesOrder: (idOrCode) =>
      typeof idOrCode === "number"
        ? send({ method: "GET", path: `/sales-order/${idOrCode}`, schema: salesOrderSchema, what: `sales order ${idOrCode}` })
        : send({ method: "GET", path: "/sales-order", query: { code: idOrCode }, schema: salesOrderSchema, what: `sales order ${idOrCode}` }),

    listSalesOrders: (filter, first = 0, max = LIST_PAGE_SIZE) => salesOrderPage(filter)(first, max),
    salesOrderPages: (filter) => pages(salesOrderPage(filter), LIST_PAGE_SIZE),

    async findParty(name) {
      const result = orNull(await send({ method: "GET", path: "/party", query: { name }, schema: partySchema, what: `customer named '${name}'` }));
      // Checked here too: how strictly vintrace matches the name is not documented.
      if (result.ok && result.value && result.value.primeName !== name) return succeed(null);
      return result;
    },
    getParty: async (id) => orNull(await send({ method: "GET", path: `/party/${id}`, schema: partySchema, what: `customer with id ${id}` })),
    partyPages: (filter) => pages(partyPage(filter), LIST_PAGE_SIZE),

    async lookupStock(code) {
      const found = orNull(await send({ method: "GET", path: "/stock/lookup", query: { code }, schema: stockItemDetailsSchema, what: `stock item '${code}'` }));
      if (!found.ok || found.value === null || found.value.code === code) return found;
      // The lookup matched a longer code that starts with ours ("21SHZ7500" for "21SHZ750"). The exact item may
      // still exist: find its id in the inventory and look it up by id.
      for await (const page of pages(inventoryPage({}), LIST_PAGE_SIZE)) {
        if (!page.ok) return page;
        const row = page.value.find((r) => r.code === code);
        const id = row ? stockItemIdOf(row) : null;
        if (id !== null) return lookupStockById(id);
      }
      return succeed(null);
    },
    lookupStockById,

    inventoryPages: (filter = {}) => pages(inventoryPage(filter), LIST_PAGE_SIZE),
    listInventory: (filter = {}) => allRows(inventoryPage(filter), LIST_PAGE_SIZE),
  };
}
