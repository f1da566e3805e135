// Marking a "Changed after sending" entry handled in vintrace: we never change a sales order ourselves, so a person
// makes the change in vintrace and says so here, with an optional note. Any user of the winery may, and support.
// The person names the version of the entry they read: if Shopify changed the order again since (a second refund,
// a further edit), the entry is not marked, so nobody marks handled a change they have not seen.
import "server-only";
import type { Db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { Refused } from "@/server/lib/refused";

export const MAX_HANDLED_NOTE = 1000;

export interface MarkHandledInput {
  changeId: string;
  /** the entry's updatedAt as the person saw it */
  seenUpdatedAt: Date;
  note?: string | null;
}

/**
 * Marks the entry handled and audits it, once: an entry already handled is left as it is (with who, when and the
 * note of the first marking) and nothing more is recorded.
 */
export async function markChangeHandled(
  db: Db,
  tenantId: string,
  input: MarkHandledInput,
  actor: { id: string; email: string },
  now = new Date(),
): Promise<{ alreadyHandled: boolean }> {
  const note = input.note?.trim() || null;
  return db.$transaction(async (tx) => {
    const change = await tx.orderChange.findFirst({
      where: { id: input.changeId, tenantId },
      select: { id: true, kind: true, handledAt: true, updatedAt: true, orderSync: { select: { id: true, orderName: true } } },
    });
    if (!change) throw new Refused("NOT_FOUND", "This winery has no such entry.");
    if (change.handledAt) return { alreadyHandled: true };
    const changedSince = new Refused("BAD_REQUEST", `Order ${change.orderSync.orderName} changed again in Shopify since you opened it: read the entry again, then mark it handled.`);
    if (change.updatedAt.getTime() !== input.seenUpdatedAt.getTime()) throw changedSince;
    // The same version, still open: a change applied between the read above and this write fails the condition.
    const { count } = await tx.orderChange.updateMany({
      where: { id: change.id, tenantId, handledAt: null, updatedAt: change.updatedAt },
      data: { handledAt: now, handledBy: actor.email, handledNote: note },
    });
    if (count === 0) throw changedSince;
    await recordAudit(tx, {
      action: "orders.change_handled",
      actor,
      tenantId,
      details: { orderSyncId: change.orderSync.id, orderName: change.orderSync.orderName, kind: change.kind, note },
      at: now,
    });
    return { alreadyHandled: false };
  });
}
