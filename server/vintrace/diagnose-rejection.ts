// After vintrace refuses a sales order, find out why with our own lookups rather than by reading its message,
// whose wording is undocumented: the customer (exact /party?name=), each line's stock code (exact
// /stock/lookup?code=) and the storage area and stock available in it (against the items' distributions). A wrong
// customer or storage area is CONFIG (fixed in Settings); a missing stock code is VALIDATION naming the product
// (fixed on the Products page); too little stock is fixed by restocking or by the Settings switch that sends orders
// anyway. vintrace's wording is used only to break a tie between causes the lookups all found. A price list cannot
// be listed through the API, so when every lookup checks out and the message mentions a price list, that is the
// cause. When nothing explains it, the cause is UNRECOGNISED and the winery sees vintrace's own text.
import "server-only";
import type { VintraceClient } from "./client";
import { checkCustomer } from "./customer-check";
import { rejected, vintraceError, type DiagnosedCause, type VintraceError } from "./errors";
import type { SalesOrderBody } from "./sales-order-body";
import type { StockItemDetails } from "./schemas";
import { areasOf, describeAreas } from "./storage-areas";

export interface RejectionContext {
  /** the error vintrace's refusal was classified as, to keep its text */
  rejection?: VintraceError;
  /** which Shopify product each line came from (buildSalesOrder's `lines`) */
  lines?: Array<{ externalReference: string; shopifyName: string }>;
}

const LOOKUPS_AT_ONCE = 5;

export async function diagnoseRejection(client: VintraceClient, body: SalesOrderBody, context: RejectionContext = {}): Promise<VintraceError> {
  const fallback = context.rejection ?? rejected(400, undefined);
  const causes: VintraceError[] = [];

  const customer = await diagnoseCustomer(client, body);
  if (customer) causes.push(customer);

  const codes = [...new Set(body.salesOrderItems.map((line) => line.itemName))];
  const items = new Map<string, StockItemDetails | null>();
  for (let i = 0; i < codes.length; i += LOOKUPS_AT_ONCE) {
    const batch = codes.slice(i, i + LOOKUPS_AT_ONCE);
    const results = await Promise.all(batch.map((code) => client.lookupStock(code)));
    // A lookup that fails leaves that code unexplained rather than blamed.
    results.forEach((result, index) => {
      if (result.ok) items.set(batch[index], result.value);
    });
  }
  const missing = codes.filter((code) => items.has(code) && items.get(code) === null);
  if (missing.length > 0) causes.push(missingStock(missing, body, context));

  const found = [...items.values()].filter((item): item is StockItemDetails => item !== null);
  const stock = diagnoseStock(body, found);
  if (stock) causes.push(stock);

  if (causes.length === 0) return unexplained(fallback);
  // One cause decides the class and the fix: the one vintrace's words point at when they point at exactly one, else
  // a Settings fix first. The message names every cause.
  const said = causes.filter((c) => c.cause && saysSo(c.cause, fallback.vintraceMessage));
  const [primary] = said.length === 1 ? said : [...causes].sort((a, b) => rank(a) - rank(b));
  return {
    ...primary,
    status: fallback.status,
    vintraceMessage: fallback.vintraceMessage,
    message: causes.map((c) => c.message).join(" "),
    ...(missing.length > 0 ? { missingStockCodes: missing } : {}),
  };
}

const rank = (error: VintraceError) => (error.class === "CONFIG" ? 0 : error.missingStockCodes ? 1 : 2);

/** Wording that points at each cause, for breaking a tie only (and, for the price list, as the one clue there is). */
const WORDING: Record<Exclude<DiagnosedCause, "UNRECOGNISED">, RegExp> = {
  CUSTOMER_NOT_FOUND: /customer|party/i,
  UNKNOWN_STOCK_CODE: /stock item|item code|item '|unknown (item|product)/i,
  STORAGE_AREA_REFUSED: /^(?!.*(insufficient|not enough|available)).*storage area/is,
  NOT_ENOUGH_STOCK: /insufficient|not enough|available|shortfall/i,
  PRICE_LIST_NOT_FOUND: /price ?list/i,
};

const saysSo = (cause: DiagnosedCause, text: string | undefined) => cause !== "UNRECOGNISED" && text !== undefined && WORDING[cause].test(text);

/** Every lookup checked out: a price list if vintrace's words say so (it cannot be looked up), else not recognised. */
function unexplained(fallback: VintraceError): VintraceError {
  if (saysSo("PRICE_LIST_NOT_FOUND", fallback.vintraceMessage)) {
    return {
      ...fallback,
      class: "CONFIG",
      retryable: false,
      cause: "PRICE_LIST_NOT_FOUND",
      message: `vintrace has no sales price list named as the one in Settings (it said: "${fallback.vintraceMessage}").`,
      fix: { where: "settings", howTo: "Set the sales price list in Settings exactly as vintrace names it." },
    };
  }
  return { ...fallback, cause: "UNRECOGNISED" };
}

async function diagnoseCustomer(client: VintraceClient, body: SalesOrderBody): Promise<VintraceError | null> {
  if (body.customerId !== undefined) {
    const party = await client.getParty(body.customerId);
    if (!party.ok || party.value) return null;
    return wrongCustomer(`vintrace has no customer with id ${body.customerId}.`);
  }
  if (!body.customerName) return null;
  const check = await checkCustomer(client, body.customerName);
  if (!check.ok || check.value.found) return null;
  const hint = check.value.didYouMean ? ` Did you mean '${check.value.didYouMean}'?` : "";
  return wrongCustomer(`vintrace has no customer named exactly '${body.customerName}'.${hint}`);
}

function wrongCustomer(message: string): VintraceError {
  return vintraceError({
    class: "CONFIG",
    cause: "CUSTOMER_NOT_FOUND",
    message,
    fix: { where: "settings", howTo: "Set the customer name in Settings exactly as vintrace spells it (or create that customer in vintrace)." },
  });
}

function missingStock(codes: string[], body: SalesOrderBody, context: RejectionContext): VintraceError {
  const names = new Map((context.lines ?? []).map((line) => [line.externalReference, line.shopifyName]));
  const described = codes.map((code) => {
    const line = body.salesOrderItems.find((item) => item.itemName === code);
    const shopifyName = line?.externalReference ? names.get(line.externalReference) : undefined;
    return `'${code}'${shopifyName ? ` (Shopify line '${shopifyName}')` : ""}`;
  });
  const one = codes.length === 1;
  return vintraceError({
    class: "VALIDATION",
    message: `vintrace has no stock item with code ${described.join(", ")}. Add ${one ? "it" : "them"} in vintrace or map the SKU${one ? "" : "s"} on the Products page.`,
    fix: { where: "products", howTo: "Add the stock item in vintrace, or map the Shopify SKU to an existing vintrace stock code on the Products page." },
    missingStockCodes: codes,
    cause: "UNKNOWN_STOCK_CODE",
  });
}

/** A storage area that holds none of the order's items is a setting; one that holds too few is a stock shortfall. */
function diagnoseStock(body: SalesOrderBody, items: StockItemDetails[]): VintraceError | null {
  if (items.length === 0) return null;
  const areaId = body.storageAreaId;
  if (areaId !== undefined) {
    const areas = areasOf(items);
    if (!areas.has(areaId)) {
      const elsewhere = areas.size > 0 ? ` This order's items are stocked in storage area ${describeAreas(areas.values())}.` : "";
      return vintraceError({
        class: "CONFIG",
        cause: "STORAGE_AREA_REFUSED",
        message: `Storage area ${areaId} holds none of this order's stock items in vintrace.${elsewhere}`,
        fix: { where: "settings", howTo: "Choose the storage area your online stock is kept in, in Settings." },
      });
    }
  }
  if (body.ignoreStockError) return null;
  const byCode = new Map(items.map((item) => [item.code, item]));
  const needed = new Map<string, number>();
  for (const line of body.salesOrderItems) needed.set(line.itemName, (needed.get(line.itemName) ?? 0) + line.quantity);
  const short: string[] = [];
  for (const [code, quantity] of needed) {
    const item = byCode.get(code);
    if (!item) continue;
    const available = item.distributions
      .filter((d) => areaId === undefined || d.areaId === areaId)
      .reduce((sum, d) => sum + (d.available ?? d.qty ?? 0), 0);
    if (available < quantity) short.push(`'${code}': the order needs ${quantity}, ${available} available`);
  }
  if (short.length === 0) return null;
  return vintraceError({
    class: "VALIDATION",
    cause: "NOT_ENOUGH_STOCK",
    message: `Not enough stock in vintrace${areaId !== undefined ? ` in storage area ${areaId}` : ""}: ${short.join("; ")}.`,
    fix: {
      where: "settings",
      howTo: 'Restock in vintrace and retry the order, or turn on "Send orders even when vintrace shows too little stock" in Settings (saving it retries the order).',
    },
  });
}
