"use client";

// "Changed after sending": the orders Shopify shows cancelled, refunded or edited after they were sent to vintrace.
// We never change a sales order ourselves, so each entry says exactly what changed, and someone of the winery marks
// it handled once they have made the change in vintrace. Open entries come first; the filter lives in the address.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useOptimistic, useTransition } from "react";
import { useSetSearchParams } from "@/components/address-filters";
import { HandledNotice, OrderChangeCard, useHandledNotice } from "@/components/order-change";
import { NoSuchTenant, useTenant, useTenantHref } from "@/components/tenant";
import { useTRPC } from "@/components/trpc";
import type { RouterInputs } from "@/components/types";
import { EmptyState, ErrorState, Loading, LoadMoreButton, PageHeader } from "@/components/ui";

type State = NonNullable<RouterInputs["changes"]["list"]["state"]>;

const STATES: { value: State; label: string; empty: string }[] = [
  { value: "open", label: "Open", empty: "Nothing waits to be handled: every change Shopify told us of is handled in vintrace." },
  { value: "handled", label: "Handled", empty: "No entry has been marked handled yet." },
  { value: "all", label: "All", empty: "No order has changed in Shopify after it was sent to vintrace." },
];

export function ChangesPage() {
  const { isSupport, tenantId, tenants, requestedUnknown } = useTenant();
  const params = useSearchParams();
  const setParam = useSetSearchParams();
  const href = useTenantHref();
  const state = STATES.find((s) => s.value === params.get("state")) ?? STATES[0];
  // The choice shows at once, while the address (which the list follows) is updated.
  const [chosen, choose] = useOptimistic(state.value);
  const [, startTransition] = useTransition();
  const notice = useHandledNotice();

  const trpc = useTRPC();
  // One winery's entries, or (support staff, no winery picked) every winery's.
  const query = useInfiniteQuery({
    ...trpc.changes.list.infiniteQueryOptions({ tenantId, state: state.value, limit: 25 }, { getNextPageParam: (page) => page.nextCursor }),
    enabled: tenantId !== null || (isSupport && tenants.isSuccess && !requestedUnknown),
  });
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <div>
      <PageHeader
        title="Changed after sending"
        description="Orders Shopify shows cancelled, refunded or edited after they were sent to vintrace. We never change a sales order in vintrace: make the change there, then mark the entry handled."
      />
      <form role="search" aria-label="Filter the changes" className="mb-4 rounded-lg border border-slate-200 bg-white p-3" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend className="text-xs font-medium text-slate-600">Show</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {STATES.map((s) => (
              <label key={s.value} className="inline-flex cursor-pointer items-center gap-1.5 rounded-md border border-slate-200 px-2 py-1 text-sm has-[:checked]:border-indigo-300 has-[:checked]:bg-indigo-50">
                <input
                  type="radio"
                  name="state"
                  value={s.value}
                  checked={chosen === s.value}
                  onChange={() =>
                    startTransition(() => {
                      choose(s.value);
                      setParam({ state: s.value === "open" ? null : s.value });
                    })
                  }
                  className="accent-indigo-600"
                />
                {s.label}
              </label>
            ))}
          </div>
        </fieldset>
      </form>

      <HandledNotice handled={notice.handled} className="mb-4" />
      {requestedUnknown ? (
        <NoSuchTenant />
      ) : query.isPending && (tenantId !== null || isSupport) ? (
        <Loading label="Loading the changes…" />
      ) : query.isError ? (
        <ErrorState title="Could not load the changes" error={query.error} onRetry={() => void query.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title="No entries">{state.empty}</EmptyState>
      ) : (
        <>
          <ul className="space-y-4" aria-label="Orders changed after sending" aria-busy={query.isFetching}>
            {entries.map((entry) => (
              <li key={entry.id}>
                <OrderChangeCard
                  entry={entry}
                  headingLevel={2}
                  orderHref={href(`/orders/${entry.orderSyncId}`, {}, entry.tenantId)}
                  showTenant={tenantId === null}
                  onHandled={notice.onHandled}
                />
              </li>
            ))}
          </ul>
          <div className="mt-3 flex items-center justify-between text-sm text-slate-500">
            <span aria-live="polite">{entries.length} shown</span>
            <LoadMoreButton query={query} />
          </div>
        </>
      )}
    </div>
  );
}
