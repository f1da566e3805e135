// The simulator's own endpoints, under /<customerCode>/__sim/ (and /__sim/ for the whole server). None of this is
// vintrace: production code never calls it. Tests use it to seed data, queue faults and read the request log.
//   POST   seed           add to (or create) the customer: {tokens, parties, priceLists, storageAreas, stockItems, options}
//   POST   reset          wipe the customer (orders, faults, log, options), then apply the body as a seed
//   GET|POST|DELETE faults  the one-shot fault queue: {faults:[{match:"POST /sales-order", status, headers,
//                          contentType, body, commitBeforeFailing, delayMs}]}
//   GET|DELETE requests    the request log (Authorization redacted)
//   GET    price-lists, storage-areas    what the real API cannot list
//   GET|POST stock-items   read, or add/replace items by code (stock levels, prices)
//   GET|POST options       per-customer options (see simOptionsSchema)
// Server-wide: GET /__sim/health; GET|POST /__sim/options {latencyMs}.
import { z } from "zod";
import { json, v6Error, type SimResponse } from "./respond";
import { applySeed, emptyCustomer, seedSchema, simOptionsSchema, stockItemSeedSchema, upsertStockItem, type CustomerState, type Fault } from "./state";

const faultSchema = z.object({
  match: z.string().min(1),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  contentType: z.string().optional(),
  body: z.unknown().optional(),
  commitBeforeFailing: z.boolean().optional(),
  delayMs: z.number().int().min(0).optional(),
});
const faultsBodySchema = z.union([z.object({ faults: z.array(faultSchema) }), z.array(faultSchema), faultSchema]);
const stockItemsBodySchema = z.union([z.object({ stockItems: z.array(stockItemSeedSchema) }), z.array(stockItemSeedSchema), stockItemSeedSchema]);

export type Customers = Map<string, CustomerState>;

function invalid(error: z.ZodError): SimResponse {
  return v6Error(400, error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
}

const isEmpty = (body: unknown) => body === undefined || body === null || (typeof body === "object" && Object.keys(body).length === 0);

/** Handles /<code>/__sim/<action>; seed creates the customer, everything else needs it. */
export function handleControl(customers: Customers, code: string, action: string, method: string, body: unknown): SimResponse {
  if (action === "seed" || action === "reset") {
    if (method !== "POST") return v6Error(405, `use POST /${code}/__sim/${action}`);
    const seed = seedSchema.safeParse(isEmpty(body) ? {} : body);
    if (!seed.success) return invalid(seed.error);
    const state = action === "reset" ? emptyCustomer(code) : (customers.get(code) ?? emptyCustomer(code));
    if (action === "reset" && customers.has(code)) state.options = simOptionsSchema.parse({});
    applySeed(state, seed.data);
    customers.set(code, state);
    return json(200, { ok: true, customer: code });
  }
  const state = customers.get(code);
  if (!state) return v6Error(404, `No simulated customer '${code}'; POST /${code}/__sim/seed first`);

  switch (`${method} ${action}`) {
    case "GET faults":
      return json(200, state.faults);
    case "POST faults": {
      const parsed = faultsBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const faults: Fault[] = Array.isArray(parsed.data) ? parsed.data : "faults" in parsed.data ? parsed.data.faults : [parsed.data];
      state.faults.push(...faults);
      return json(200, { queued: state.faults.length });
    }
    case "DELETE faults":
      state.faults = [];
      return json(200, { queued: 0 });
    case "GET requests":
      return json(200, state.requests);
    case "DELETE requests":
      state.requests = [];
      return json(200, { ok: true });
    case "GET price-lists":
      return json(200, [...state.priceLists.values()]);
    case "GET storage-areas":
      return json(200, [...state.storageAreas.values()]);
    case "GET stock-items":
      return json(200, [...state.stockItems.values()]);
    case "POST stock-items": {
      const parsed = stockItemsBodySchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const items = Array.isArray(parsed.data) ? parsed.data : "stockItems" in parsed.data ? parsed.data.stockItems : [parsed.data];
      return json(200, items.map((item) => upsertStockItem(state, item)));
    }
    case "GET options":
      return json(200, state.options);
    case "POST options": {
      const parsed = simOptionsSchema.partial().safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      state.options = { ...state.options, ...parsed.data };
      return json(200, state.options);
    }
    default:
      return v6Error(404, `No simulator endpoint ${method} /${code}/__sim/${action}`);
  }
}
