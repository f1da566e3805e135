"use client";

// One "Changed after sending" entry, the same on the list and on the order's page: what Shopify changed after the
// order was sent to vintrace, exactly (the cancellation, each refund with its lines, the edit line by line against
// what we sent), and either who marked it handled in vintrace or the form to do so.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, cx, Table, Td, TextInput, Th, Time } from "@/components/ui";
import { cancelReasonWords } from "@/lib/order-change-words";
import { ORDER_CHANGE_LABELS, type CancelledDetails, type EditedDetails, type RefundedDetails } from "@/lib/order-changes";

export type ChangeEntry = RouterOutputs["changes"]["list"]["entries"][number];

/** The longest note the server takes (server/order-changes/handled.ts). */
const MAX_NOTE = 1000;

const KIND_TONE = { CANCELLED: "red", REFUNDED: "amber", EDITED: "indigo" } as const;

export function OrderChangeCard({
  entry,
  headingLevel,
  orderHref,
  showTenant = false,
  onHandled,
}: {
  entry: ChangeEntry;
  headingLevel: 2 | 3;
  /** the order's page, when the card is not on it */
  orderHref?: string;
  showTenant?: boolean;
  onHandled: (entry: ChangeEntry) => void;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const headingId = `change-${entry.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="change-entry" data-kind={entry.kind}>
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <Heading id={headingId} className="flex flex-wrap items-baseline gap-2 text-sm font-semibold text-slate-800">
          <Badge tone={KIND_TONE[entry.kind]}>{ORDER_CHANGE_LABELS[entry.kind]}</Badge>
          {orderHref ? (
            <Link href={orderHref} className="text-indigo-700 hover:underline">
              Order {entry.orderName}
            </Link>
          ) : (
            <span>Order {entry.orderName}</span>
          )}
          {showTenant && <span className="font-normal text-slate-500">{entry.tenantName}</span>}
        </Heading>
        <p className="text-xs text-slate-500">
          vintrace sales order <span className="font-mono text-slate-700">{entry.vintraceSalesOrderCode ?? "—"}</span> · detected <Time value={entry.detectedAt} />
        </p>
      </header>
      <div className="space-y-3 px-4 py-3 text-sm">
        <ChangeDetails entry={entry} />
        {entry.handledAt ? <Handled entry={entry} /> : <HandleForm entry={entry} onHandled={onHandled} />}
      </div>
    </article>
  );
}

function ChangeDetails({ entry }: { entry: ChangeEntry }) {
  const details = entry.details;
  if (!details) return <p className="text-slate-600">The details of this change could not be read. Open the order in Shopify to see it.</p>;
  switch (details.kind) {
    case "CANCELLED":
      return <Cancelled details={details} />;
    case "REFUNDED":
      return <Refunded details={details} />;
    case "EDITED":
      return <Edited details={details} />;
  }
}

function Cancelled({ details }: { details: CancelledDetails }) {
  const reason = cancelReasonWords(details.reason);
  return (
    <p data-testid="change-cancelled">
      Cancelled in Shopify on <Time value={details.cancelledAt} />
      {reason ? <> · reason: {reason}</> : <> · no reason given</>}.
    </p>
  );
}

function Refunded({ details }: { details: RefundedDetails }) {
  const money = (amount: string | null) => (amount === null ? "—" : `${amount} ${details.currency}`);
  return (
    <div data-testid="change-refunded">
      <p>
        Refunded <strong>{money(details.total)}</strong> in total{details.refunds.length > 1 ? `, in ${details.refunds.length} refunds` : ""}.
      </p>
      <ol className="mt-2 space-y-2">
        {details.refunds.map((refund) => (
          <li key={refund.id} className="rounded-md border border-slate-100 bg-slate-50 px-3 py-2">
            <p>
              <strong>{money(refund.amount)}</strong> on <Time value={refund.createdAt} />
              {refund.note && <span className="text-slate-600"> · “{refund.note}”</span>}
            </p>
            {refund.lines.length === 0 ? (
              <p className="text-xs text-slate-600">No line refunded (an amount only, such as shipping).</p>
            ) : (
              <ul className="mt-1 list-disc pl-5 text-slate-700">
                {refund.lines.map((line, i) => (
                  <li key={`${line.sku ?? line.title}-${i}`}>
                    {line.quantity} × {line.title}
                    {line.sku && <span className="font-mono text-xs text-slate-600"> ({line.sku})</span>}
                    {line.amount !== null && <> · {money(line.amount)}</>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

type EditedLine = EditedDetails["lines"][number];
type LineState = NonNullable<EditedLine["sent"]>;

const lineText = (state: LineState | null) =>
  state === null ? "—" : `${state.quantity} × ${state.unitPrice}${Number(state.discount) !== 0 ? ` − ${state.discount} discount` : ""}`;

/** What happened to the line, in words: added, removed, or which of its numbers changed. */
function lineChange(line: EditedLine): { label: string; tone: string } {
  if (line.sent === null) return { label: "Added", tone: "bg-emerald-50" };
  if (line.now === null) return { label: "Removed", tone: "bg-red-50" };
  const { sent, now } = line;
  const parts = [
    sent.quantity !== now.quantity ? `quantity ${sent.quantity} → ${now.quantity}` : null,
    sent.unitPrice !== now.unitPrice ? `price ${sent.unitPrice} → ${now.unitPrice}` : null,
    sent.discount !== now.discount ? `discount ${sent.discount} → ${now.discount}` : null,
  ].filter(Boolean);
  return { label: `Changed${parts.length ? `: ${parts.join(", ")}` : ""}`, tone: "bg-amber-50" };
}

function Edited({ details }: { details: EditedDetails }) {
  return (
    <div className="space-y-3" data-testid="change-edited">
      {details.lines.length > 0 && (
        <Table label="Lines: what we sent and what Shopify has now">
          <thead>
            <tr>
              <Th>Product</Th>
              <Th>Sent to vintrace</Th>
              <Th>In Shopify now</Th>
              <Th>Change</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {details.lines.map((line) => {
              const change = lineChange(line);
              return (
                <tr key={line.key} className={change.tone} data-testid="line-diff">
                  <Td>
                    {line.title}
                    {line.sku && <span className="block font-mono text-xs text-slate-600">{line.sku}</span>}
                  </Td>
                  <Td className="tabular-nums">{lineText(line.sent)}</Td>
                  <Td className="tabular-nums">{lineText(line.now)}</Td>
                  <Td className="font-medium">{change.label}</Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {details.other.length > 0 && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1" data-testid="other-diff">
          {details.other.map((o) => (
            <div key={o.field} className="contents">
              <dt className="font-medium text-slate-700">{o.field}</dt>
              <dd>
                <span className="text-slate-500">sent</span> {o.sent ?? "—"} <span className="text-slate-500">→ now</span> {o.now ?? "—"}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {details.lines.length === 0 && details.other.length === 0 && <p className="text-slate-600">Edited in Shopify; nothing that vintrace holds differs now.</p>}
    </div>
  );
}

function Handled({ entry }: { entry: ChangeEntry }) {
  return (
    <p className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900" data-testid="change-handled">
      Handled in vintrace by {entry.handledBy ?? "someone"} on <Time value={entry.handledAt} />
      {entry.handledNote && <span className="block text-emerald-800">Note: {entry.handledNote}</span>}
    </p>
  );
}

function HandleForm({ entry, onHandled }: { entry: ChangeEntry; onHandled: (entry: ChangeEntry) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const noteId = `note-${entry.id}`;
  // The list, the count in the navigation and the order's page all show the entry: each reads it again.
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: trpc.changes.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.orders.get.pathKey() })]);
  const mark = useMutation(
    trpc.changes.markHandled.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onHandled(entry);
      },
      // Refused because Shopify changed the order again since it was read: the entry is read again to show what changed.
      onError: () => void refresh(),
    }),
  );
  return (
    <form
      aria-label={`Mark the ${ORDER_CHANGE_LABELS[entry.kind].toLowerCase()} order ${entry.orderName} handled in vintrace`}
      className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3"
      onSubmit={(e) => {
        e.preventDefault();
        mark.mutate({ tenantId: entry.tenantId, changeId: entry.id, seenUpdatedAt: entry.updatedAt, note: note.trim() || undefined });
      }}
    >
      <div className="min-w-[16rem] flex-1">
        <label htmlFor={noteId} className="block text-xs font-medium text-slate-600">
          Note (optional)
        </label>
        <TextInput id={noteId} value={note} maxLength={MAX_NOTE} onChange={(e) => setNote(e.target.value)} placeholder="What was changed in vintrace" autoComplete="off" />
      </div>
      <Button type="submit" variant="primary" disabled={mark.isPending}>
        {mark.isPending ? "Saving…" : "Mark handled in vintrace"}
      </Button>
      {mark.isError && (
        <p role="alert" className="w-full text-xs font-medium text-red-700">
          {mark.error.message}
        </p>
      )}
    </form>
  );
}

/**
 * Says what was just marked handled, and takes the keyboard focus: the entry's form is gone (on the list, the entry
 * too), so the focus would otherwise fall back to the top of the page.
 */
export function HandledNotice({ handled, className }: { handled: { entry: ChangeEntry; n: number } | null; className?: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (handled) ref.current?.focus();
  }, [handled]);
  if (!handled) return null;
  return (
    <p
      ref={ref}
      tabIndex={-1}
      role="status"
      className={cx("rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400", className)}
      data-testid="handled-notice"
    >
      Order {handled.entry.orderName} ({ORDER_CHANGE_LABELS[handled.entry.kind].toLowerCase()}) is marked handled in vintrace.
    </p>
  );
}

/** The state HandledNotice reads: a new object per marking, so marking a second entry moves the focus again. */
export function useHandledNotice() {
  const [handled, setHandled] = useState<{ entry: ChangeEntry; n: number } | null>(null);
  return { handled, onHandled: (entry: ChangeEntry) => setHandled((prev) => ({ entry, n: (prev?.n ?? 0) + 1 })) };
}
