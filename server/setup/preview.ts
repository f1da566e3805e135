// The setup wizard's preview: for orders the owner picks, the exact sales order body the worker would send to
// vintrace, or the exact reason it would not be sent, in the words the sync log would show. It decides with the
// worker's own function (planSalesOrder, on the settings and mappings the worker loads), then asks vintrace,
// read-only, what the worker leaves vintrace to refuse: the customer, each stock code, the storage area and the
// stock, with the lookups the worker diagnoses a refusal with. Nothing is sent to vintrace and nothing is written
// to Shopify or to the order's record.
import "server-only";
import type { Db } from "@/server/db";
import { parseShopifyOrder } from "@/server/shopify/order";
import { loadOrderContext, NotConnectedError, skusOfPayload, type AdminFor, type VintraceFor } from "@/server/sync/context";
import { mapLimit } from "@/server/sync/map-limit";
import { NOT_CONNECTED, planSalesOrder } from "@/server/sync/process-order";
import { diagnoseRejection, type SalesOrderBody, type VintraceClient } from "@/server/vintrace";

export const PREVIEW_MAX_ORDERS = 10;

export type OrderPreview =
  | { orderGid: string; name: string; outcome: "send"; body: SalesOrderBody; notes: string[] }
  | { orderGid: string; name: string; outcome: "fail"; reason: string; howTo: string | null }
  | { orderGid: string; name: string; outcome: "skip"; reason: string };

export interface PreviewDeps {
  db: Db;
  adminFor: AdminFor;
  vintraceFor: VintraceFor;
}

/** A price list cannot be looked up through vintrace's API: the worker learns of a wrong one from the first order. */
const PRICE_LIST_NOTE = "vintrace cannot list its price lists, so the sales price list is checked by the first order sent.";

export async function previewOrders(deps: PreviewDeps, tenantId: string, orderGids: string[]): Promise<OrderPreview[]> {
  const admin = await deps.adminFor(tenantId);
  let client: Promise<VintraceClient> | null = null;
  const vintrace = () => (client ??= deps.vintraceFor(tenantId));
  return mapLimit(orderGids.slice(0, PREVIEW_MAX_ORDERS), 4, async (orderGid): Promise<OrderPreview> => {
    const raw = await admin.fetchOrderPayload(orderGid);
    if (!raw) return { orderGid, name: orderGid, outcome: "fail", reason: "Shopify has no such order in this shop.", howTo: null };
    const named = { orderGid, name: raw.name };
    const parsed = parseShopifyOrder(raw);
    // The worker's own words for each outcome below.
    if (!parsed.ok) return { ...named, outcome: "fail", reason: `The order from Shopify could not be read: ${parsed.problems.join("; ")}.`, howTo: null };
    const context = await loadOrderContext(deps.db, tenantId, skusOfPayload(raw));
    if (!context?.vintrace) return { ...named, outcome: "fail", reason: NOT_CONNECTED, howTo: "Connect vintrace in the first step." };

    const plan = planSalesOrder(parsed.order, { tenant: context.tenant, vintrace: context.vintrace, mappings: context.mappings });
    if (plan.kind === "skip") return { ...named, outcome: "skip", reason: plan.reason };
    if (plan.kind === "refuse") return { ...named, outcome: "fail", reason: plan.error.message, howTo: plan.error.fix?.howTo ?? null };

    const { body, lines, ignoredLines, warnings } = plan.built;
    let found;
    try {
      found = await diagnoseRejection(await vintrace(), body, { lines });
    } catch (error) {
      if (error instanceof NotConnectedError) return { ...named, outcome: "fail", reason: error.message, howTo: null };
      throw error;
    }
    // Every lookup checked out: nothing the worker relies on vintrace to refuse stands in the way.
    if (found.cause !== "UNRECOGNISED") return { ...named, outcome: "fail", reason: found.message, howTo: found.fix?.howTo ?? null };
    const notes = [...ignoredLines.map((l) => `Line '${l.line}' is not sent: ${l.reason}.`), ...warnings, PRICE_LIST_NOTE];
    return { ...named, outcome: "send", body, notes };
  });
}
