// A "Changed after sending" entry in words, the same on the pages and in the alerts. No imports beyond the shapes:
// the pages' client bundles read this module.
import type { OrderChangeDetails } from "@/lib/order-changes";

/** Shopify's cancel_reason values, as Shopify's admin words them. */
const CANCEL_REASONS: Record<string, string> = {
  customer: "the customer changed or cancelled the order",
  inventory: "items unavailable",
  fraud: "fraudulent order",
  declined: "payment declined",
  staff: "staff error",
  other: "other",
};

export const cancelReasonWords = (reason: string | null): string | null => (reason ? (CANCEL_REASONS[reason] ?? reason) : null);

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line saying what changed: "Cancelled: payment declined", "Refunded 45.00 AUD in 2 refunds", "Edited: 1 line added; Shipping". */
export function changeSummary(details: OrderChangeDetails): string {
  switch (details.kind) {
    case "CANCELLED": {
      const reason = cancelReasonWords(details.reason);
      return reason ? `Cancelled: ${reason}` : "Cancelled";
    }
    case "REFUNDED":
      return `Refunded ${details.total} ${details.currency}${details.refunds.length > 1 ? ` in ${details.refunds.length} refunds` : ""}`;
    case "EDITED": {
      const added = details.lines.filter((l) => l.sent === null).length;
      const removed = details.lines.filter((l) => l.now === null).length;
      const changed = details.lines.length - added - removed;
      const lines = [
        added ? `${count(added, "line")} added` : null,
        removed ? `${count(removed, "line")} removed` : null,
        changed ? `${count(changed, "line")} changed` : null,
      ].filter(Boolean);
      const parts = [lines.join(", "), details.other.map((o) => o.field).join(", ")].filter(Boolean);
      return parts.length ? `Edited: ${parts.join("; ")}` : "Edited";
    }
  }
}
