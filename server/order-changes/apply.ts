// What one stored after-sale delivery does, decided against the order's sync record as it stands:
//   no record yet              wait (its orders/create may still come); after NO_RECORD_GIVE_UP_MS, an order we never
//                              handle (placed before the winery started, say): processed, changing nothing
//   SYNCED (vintrace has it)   the "Changed after sending" entry of its kind: CANCELLED, REFUNDED (one line per refund
//                              id, so a repeat never adds twice), EDITED (what differs from what was sent; removed
//                              while unhandled once the order is as sent again). A change to a handled entry opens it
//                              again, and any change is told in the next digest.
//   not sent                   the record itself, through the queue: a cancelled order is skipped, an edited one holds
//                              the current order from now on, a refund becomes a warning line. A record a worker
//                              holds (being sent now) is left for the next pass.
// An older state never overwrites a newer one: an entry keeps Shopify's time of what it shows (shopifyUpdatedAt), the
// record its payload's updated_at, and an orders/updated older than one already applied is ignored.
import "server-only";
import { isDeepStrictEqual } from "node:util";
import {
  orderChangeDetails,
  refundedDetails,
  type CancelledDetails,
  type EditedDetails,
  type OrderChangeDetails,
  type RefundedDetails,
} from "@/lib/order-changes";
import type { Db } from "@/server/db";
import type { OrderChangeKind, OrderEvent, OrderSync, Prisma } from "@/server/generated/prisma/client";
import { sumDecimals } from "@/server/money";
import type { ShopifyOrderPayload } from "@/server/shopify/order";
import { addUnsentWarning, fillMissingContent, replaceUnsentPayload, skipCancelled } from "@/server/sync/queue";
import { canonicalMoney, contentHash, diffContent, orderContent, readContent } from "./content";
import { newerStateApplied } from "./events";
import { orderBody, refundBody, type RefundBody } from "./payloads";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** An event for an order we never get a record of is let go after this long (and its reason kept on it). */
export const NO_RECORD_GIVE_UP_MS = 15 * 60_000;

export type Outcome =
  /** the record or an entry changed */
  | { kind: "applied"; note: string }
  /** processed, and nothing needed changing: `note` says why */
  | { kind: "unchanged"; note: string }
  /** not now: tried again later */
  | { kind: "wait"; reason: string };

/** The order as Shopify has it now (orders/edited carries no order): fetched, gone, or not to be had this time. */
export type CurrentOrder = { kind: "fetched"; payload: ShopifyOrderPayload | null } | { kind: "failed"; reason: string } | { kind: "not-fetched" };

export interface EventContext {
  tx: Tx;
  event: OrderEvent;
  record: OrderSync | null;
  current: CurrentOrder;
  now: Date;
}

const applied = (note: string): Outcome => ({ kind: "applied", note });
const unchanged = (note: string): Outcome => ({ kind: "unchanged", note });
const wait = (reason: string): Outcome => ({ kind: "wait", reason });

const BEING_SENT = "The order is being sent to vintrace right now; applied once that is done.";

export async function applyEvent(context: EventContext): Promise<Outcome> {
  const { event, record, now } = context;
  if (!record) {
    if (now.getTime() - event.receivedAt.getTime() >= NO_RECORD_GIVE_UP_MS) {
      return unchanged("No sync record for this order appeared: an order this winery does not send (placed before its start date, for one).");
    }
    return wait("Waiting for the order's sync record: its orders/create has not been received yet.");
  }
  const topic = event.topic;
  if (record.status === "SYNCED") {
    if (topic === "orders/cancelled") return listCancelled(context, record);
    if (topic === "refunds/create") return listRefund(context, record);
    return listEdit(context, record);
  }
  if (topic === "orders/cancelled") return skipUnsent(context, record);
  if (topic === "refunds/create") return warnUnsent(context, record);
  return replaceUnsent(context, record);
}

// ---- A record vintrace has: its entries ----------------------------------------------------------------------------

const REOPENED = { handledAt: null, handledBy: null, handledNote: null, digestId: null } satisfies Prisma.OrderChangeUpdateInput;

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/** Creates or updates the record's entry of this kind; a change of what it shows opens it again and tells of it anew. */
async function upsertEntry(tx: Tx, record: OrderSync, details: OrderChangeDetails, at: Date | null): Promise<Outcome> {
  const kind: OrderChangeKind = details.kind;
  const json = details as unknown as Prisma.InputJsonValue;
  const existing = await tx.orderChange.findUnique({ where: { orderSyncId_kind: { orderSyncId: record.id, kind } } });
  if (!existing) {
    await tx.orderChange.create({ data: { tenantId: record.tenantId, orderSyncId: record.id, kind, details: json, shopifyUpdatedAt: at } });
    return applied(`listed as ${kind.toLowerCase()}`);
  }
  const shown = orderChangeDetails.safeParse(existing.details);
  const newest = later(existing.shopifyUpdatedAt, at);
  if (shown.success && isDeepStrictEqual(shown.data, details)) {
    if (newest?.getTime() !== existing.shopifyUpdatedAt?.getTime()) await tx.orderChange.update({ where: { id: existing.id }, data: { shopifyUpdatedAt: newest } });
    return unchanged(`the ${kind.toLowerCase()} entry already shows this`);
  }
  // A handled entry that changes again is a new thing to handle: its age (support's 3-day list) counts from now, and
  // support's digest may list it again. (Created entries take the same clock, the database's default.)
  const handledBefore = existing.handledAt ? { detectedAt: new Date(), supportDigestId: null } : {};
  await tx.orderChange.update({ where: { id: existing.id }, data: { details: json, shopifyUpdatedAt: newest, ...REOPENED, ...handledBefore } });
  return applied(`${kind.toLowerCase()} entry updated${existing.handledAt ? " and opened again" : ""}`);
}

async function listCancelled({ tx, event }: EventContext, record: OrderSync): Promise<Outcome> {
  const body = orderBody.safeParse(event.payload);
  if (!body.success) return unchanged("The body is not an order.");
  const details: CancelledDetails = {
    kind: "CANCELLED",
    cancelledAt: body.data.cancelled_at ?? body.data.updated_at,
    reason: body.data.cancel_reason,
  };
  return upsertEntry(tx, record, details, event.occurredAt);
}

function refundOf(refund: RefundBody): RefundedDetails["refunds"][number] {
  const paid = (refund.transactions ?? []).filter((t) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success");
  const lines = (refund.refund_line_items ?? []).map((l) => ({
    sku: l.line_item?.sku ?? null,
    title: l.line_item?.name ?? l.line_item?.title ?? l.line_item?.sku ?? "",
    quantity: l.quantity,
    amount: l.subtotal ? canonicalMoney(l.subtotal) : null,
  }));
  const amounts = paid.length ? paid.map((t) => t.amount) : lines.flatMap((l) => (l.amount ? [l.amount] : []));
  return {
    id: refund.id,
    createdAt: new Date(refund.created_at).toISOString(),
    amount: canonicalMoney(sumDecimals(amounts.map((amount) => ({ amount, times: 1 })))),
    note: refund.note,
    lines,
  };
}

const payloadCurrency = (record: OrderSync) =>
  record.payload && typeof record.payload === "object" && "currency" in record.payload && typeof record.payload.currency === "string" ? record.payload.currency : "";

async function listRefund({ tx, event }: EventContext, record: OrderSync): Promise<Outcome> {
  const body = refundBody.safeParse(event.payload);
  if (!body.success) return unchanged("The body is not a refund.");
  const existing = await tx.orderChange.findUnique({ where: { orderSyncId_kind: { orderSyncId: record.id, kind: "REFUNDED" } }, select: { details: true } });
  const listed = existing ? refundedDetails.safeParse(existing.details) : null;
  const before = listed?.success ? listed.data.refunds : [];
  if (before.some((r) => r.id === body.data.id)) return unchanged("This refund is already listed.");
  const refunds = [...before, refundOf(body.data)].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const details: RefundedDetails = {
    kind: "REFUNDED",
    currency: (listed?.success ? listed.data.currency : "") || body.data.transactions?.find((t) => t.currency)?.currency || payloadCurrency(record),
    total: canonicalMoney(sumDecimals(refunds.map((r) => ({ amount: r.amount, times: 1 })))),
    refunds,
  };
  return upsertEntry(tx, record, details, event.occurredAt);
}

/** The order body an update or an edit shows now, and Shopify's time of it; or why there is none to compare. */
function orderNow({ event, current }: EventContext): { ok: true; payload: unknown; at: Date | null } | { ok: false; outcome: Outcome } {
  if (event.topic === "orders/updated") return { ok: true, payload: event.payload, at: event.occurredAt };
  if (current.kind === "failed") return { ok: false, outcome: wait(current.reason) };
  if (current.kind === "not-fetched") return { ok: false, outcome: wait("The order is read from Shopify on the next pass.") };
  if (!current.payload) return { ok: false, outcome: unchanged("Shopify no longer has this order.") };
  const at = current.payload.updated_at ? new Date(current.payload.updated_at) : event.occurredAt;
  return { ok: true, payload: current.payload, at };
}

const isCancelled = (payload: unknown) => {
  const body = orderBody.safeParse(payload);
  return body.success && body.data.cancelled_at !== null;
};

async function listEdit(context: EventContext, record: OrderSync): Promise<Outcome> {
  const { tx, event } = context;
  const found = orderNow(context);
  if (!found.ok) return found.outcome;
  // Cancelling empties the lines; the Cancelled entry already tells of it.
  if (isCancelled(found.payload)) return unchanged("The order is cancelled: its Cancelled entry tells of it.");
  const now = orderContent(found.payload);
  if (!now) return unchanged("The body is not an order.");
  const kept = readContent(record.content);
  const sent = kept ?? orderContent(record.payload);
  if (!sent) return unchanged("What was sent to vintrace is no longer kept (purged after the retention period), so there is nothing to compare with.");
  if (!kept) await fillMissingContent(tx, record.id, record.payload);

  const existing = await tx.orderChange.findUnique({ where: { orderSyncId_kind: { orderSyncId: record.id, kind: "EDITED" } } });
  const at = found.at;
  const stale = at !== null && ((existing?.shopifyUpdatedAt && at < existing.shopifyUpdatedAt) || (event.topic === "orders/updated" && (await newerStateApplied(tx, record, at))));
  if (stale) return unchanged("Older than the state of the order already applied.");

  const diff: EditedDetails | null = contentHash(now) === record.contentHash ? null : diffContent(sent, now);
  if (diff) return upsertEntry(tx, record, diff, at);
  if (existing && !existing.handledAt) {
    await tx.orderChange.delete({ where: { id: existing.id } });
    return applied("the order is as sent again: its edited entry is removed");
  }
  return unchanged("The order is as sent to vintrace.");
}

// ---- A record not sent: the record itself ----------------------------------------------------------------------------

async function skipUnsent({ tx, event }: EventContext, record: OrderSync): Promise<Outcome> {
  if (record.status === "SKIPPED") return unchanged("The order was already skipped.");
  const body = orderBody.safeParse(event.payload);
  const cancelledAt = (body.success ? body.data.cancelled_at : null) ?? event.occurredAt?.toISOString() ?? "";
  return (await skipCancelled(tx, record.id, cancelledAt)) ? applied("skipped: cancelled before it was sent") : wait(BEING_SENT);
}

async function warnUnsent({ tx, event, now }: EventContext, record: OrderSync): Promise<Outcome> {
  const body = refundBody.safeParse(event.payload);
  if (!body.success) return unchanged("The body is not a refund.");
  const refund = refundOf(body.data);
  const currency = body.data.transactions?.find((t) => t.currency)?.currency ?? payloadCurrency(record);
  const warning = `Shopify shows a refund of ${refund.amount}${currency ? ` ${currency}` : ""} on ${refund.createdAt.slice(0, 10)} (refund ${refund.id}), made before the order was sent to vintrace.`;
  if (record.warnings.includes(warning)) return unchanged("This refund is already noted on the order.");
  return (await addUnsentWarning(tx, record.id, warning, now)) ? applied("refund noted on the unsent order") : wait(BEING_SENT);
}

/** Shopify's time of the order a record holds (its payload's updated_at), when it says. */
function heldSince(record: OrderSync): Date | null {
  const payload = record.payload as { updated_at?: unknown } | null;
  const time = typeof payload?.updated_at === "string" ? Date.parse(payload.updated_at) : Number.NaN;
  return Number.isNaN(time) ? null : new Date(time);
}

async function replaceUnsent(context: EventContext, record: OrderSync): Promise<Outcome> {
  const found = orderNow(context);
  if (!found.ok) return found.outcome;
  const content = orderContent(found.payload);
  if (!content) return unchanged("The body is not an order.");
  const held = heldSince(record);
  if (held && found.at && found.at < held) return unchanged("Older than the order the record holds.");
  if (contentHash(content) === record.contentHash) return unchanged("Nothing vintrace is sent has changed.");
  return (await replaceUnsentPayload(context.tx, record.id, found.payload, record.contentHash, context.now))
    ? applied("the unsent order now holds Shopify's current order")
    : wait(BEING_SENT);
}
