// The vintrace v6 endpoints the simulator serves under /<customerCode>/api/v6, with vintrace's auth rules.
import { getMrpStock, getPartyById, getPartyByName, listInventory, listParties, lookupStock } from "./catalog-routes";
import { json, v6Error, v7Error, type SimResponse } from "./respond";
import { getSalesOrder, listSalesOrders, upsertSalesOrder } from "./sales-orders";
import type { CustomerState } from "./state";

export interface ApiRequest {
  method: string;
  /** below /api/v6, without a trailing slash */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

/** Checks the credentials, then answers. */
export function handleApi(state: CustomerState, request: ApiRequest): SimResponse {
  const permissions = authenticate(state, request.authorization);
  if (!permissions) return v7Error(401, "23432", "Token is not provided", "Token must be provided");
  if (request.method !== "GET" && !permissions.includes("sales:write")) {
    return v7Error(403, "23433", "Permission not allowed", "The token's user may not create or change sales orders");
  }
  return route(state, request);
}

function authenticate(state: CustomerState, authorization: string | undefined): string[] | null {
  if (!authorization) return null;
  const [scheme, credentials = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return state.tokens.get(credentials) ?? null;
  if (scheme.toLowerCase() === "basic" && state.options.acceptBasicAuth) {
    return state.tokens.get(Buffer.from(credentials, "base64").toString("utf8")) ?? null;
  }
  return null;
}

const idIn = (path: string, prefix: string) => {
  const match = new RegExp(`^${prefix}/(\\d+)$`).exec(path);
  return match ? Number(match[1]) : null;
};

function route(state: CustomerState, { method, path, query, body }: ApiRequest): SimResponse {
  const methodNotAllowed = () => v6Error(405, `${method} is not supported on ${path}`);
  if (path === "/sales-order") {
    if (method === "POST") return upsertSalesOrder(state, body);
    if (method === "GET") {
      const code = query.get("code");
      return code ? getSalesOrder(state, state.ordersByCode.get(code)) : v6Error(400, "code is required");
    }
    return methodNotAllowed();
  }
  if (method !== "GET") return v6Error(method === "POST" || method === "PUT" ? 405 : 404, `${method} ${path} is not a vintrace endpoint`);
  if (path === "/sales-order/list") return listSalesOrders(state, query);
  const orderId = idIn(path, "/sales-order");
  if (orderId !== null) return getSalesOrder(state, state.ordersById.get(orderId));
  if (path === "/party") return getPartyByName(state, query.get("name"));
  if (path === "/party/list") return listParties(state, query);
  const partyId = idIn(path, "/party");
  if (partyId !== null) return getPartyById(state, partyId);
  if (path === "/inventory") return listInventory(state, query);
  if (path === "/stock/lookup") return lookupStock(state, query);
  const stockId = idIn(path, "/mrp/stock");
  if (stockId !== null) return getMrpStock(state, stockId);
  return json(404, { status: "Error", message: `No endpoint ${path}` });
}
