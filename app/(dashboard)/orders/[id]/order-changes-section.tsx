"use client";

// The order's "Changed after sending" entries on its page, drawn and handled as on the list.
import Link from "next/link";
import { HandledNotice, OrderChangeCard, useHandledNotice, type ChangeEntry } from "@/components/order-change";
import { useTenantHref } from "@/components/tenant";

export function OrderChangesSection({ changes }: { changes: ChangeEntry[] }) {
  const notice = useHandledNotice();
  const href = useTenantHref();
  if (changes.length === 0) return null;
  return (
    <section aria-labelledby="changed-after-sending" className="space-y-3" data-testid="order-changes">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="changed-after-sending" className="text-base font-semibold text-slate-800">
          Changed after sending
        </h2>
        <Link href={href("/changes")} className="text-sm text-indigo-700 hover:underline">
          Every order changed after sending →
        </Link>
      </div>
      <p className="text-sm text-slate-600">Shopify changed this order after it was sent to vintrace. Make the same change in vintrace, then mark it handled.</p>
      <HandledNotice handled={notice.handled} />
      {changes.map((entry) => (
        <OrderChangeCard key={entry.id} entry={entry} headingLevel={3} onHandled={notice.onHandled} />
      ))}
    </section>
  );
}
