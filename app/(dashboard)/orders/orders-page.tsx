"use client";

// The sync log. Filters live in the address, so the Overview can link to "this winery's failed orders" and a filtered
// view can be shared; the name search is debounced so it filters as you type without a request per key.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { dayStart, useDebounced, useSetSearchParams } from "@/components/address-filters";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, EmptyState, ErrorState, Loading, LoadMoreButton, PageHeader, Select, StatusBadge, Table, Td, TextInput, Th, Time } from "@/components/ui";
import { NoSuchTenant, useTenant, useTenantHref } from "@/components/tenant";
import { CAUSE_INFO, CAUSES, SYNC_STATUSES, type Cause, type SyncStatusName } from "@/lib/causes";

type Row = RouterOutputs["orders"]["list"]["rows"][number];

const STATUS_LABEL: Record<SyncStatusName, string> = { PENDING: "Pending", HELD: "Held", SYNCED: "Synced", FAILED: "Failed", SKIPPED: "Skipped" };
const TAG_LABEL: Record<string, string> = {
  NONE: "—",
  PENDING_CREATED: "Tagging…",
  PENDING_ERROR: "Tagging error…",
  CREATED: "Created",
  ERROR: "Error",
};

/** The "Changed after sending" filter's choices (server/orders/sync-log.ts). */
const CHANGE_FILTERS = [
  { value: "open", label: "With an open entry" },
  { value: "any", label: "With any entry, handled too" },
] as const;
type ChangeFilter = (typeof CHANGE_FILTERS)[number]["value"];

const splitList = <T extends string>(value: string | null, allowed: readonly T[]): T[] =>
  (value ?? "").split(",").filter((v): v is T => (allowed as readonly string[]).includes(v));

export function OrdersPage() {
  const { isSupport, tenantId, tenants, requestedUnknown } = useTenant();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const setParam = useSetSearchParams();
  const href = useTenantHref();

  const statuses = splitList(params.get("status"), SYNC_STATUSES);
  const causes = splitList(params.get("cause"), CAUSES);
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const changes = CHANGE_FILTERS.find((c) => c.value === params.get("changes"))?.value;
  const [search, setSearch] = useState(params.get("q") ?? "");
  const debounced = useDebounced(search.trim(), 250);

  // The search box writes the address once the typing pauses.
  useEffect(() => {
    if ((params.get("q") ?? "") !== debounced) setParam({ q: debounced || null });
  }, [debounced, params, setParam]);

  // The query key hashes the input by value, so a new object per render is the same query.
  const filter = {
    statuses: statuses.length ? statuses : undefined,
    causes: causes.length ? causes : undefined,
    from: dayStart(from),
    to: dayStart(to, 1),
    search: debounced || undefined,
    changes,
  };

  const trpc = useTRPC();
  // One winery's log, or (support staff, no winery picked) every winery's.
  const query = useInfiniteQuery({
    ...trpc.orders.list.infiniteQueryOptions({ tenantId, filter, limit: 50 }, { getNextPageParam: (page) => page.nextCursor }),
    enabled: tenantId !== null || (isSupport && tenants.isSuccess && !requestedUnknown),
  });
  const rows: Row[] = query.data?.pages.flatMap((p) => p.rows) ?? [];

  const exportParams = new URLSearchParams();
  if (tenantId) exportParams.set("winery", tenantId);
  if (statuses.length) exportParams.set("status", statuses.join(","));
  if (causes.length) exportParams.set("cause", causes.join(","));
  if (filter.from) exportParams.set("from", filter.from.toISOString());
  if (filter.to) exportParams.set("to", filter.to.toISOString());
  if (debounced) exportParams.set("q", debounced);
  if (changes) exportParams.set("changes", changes);

  const toggleStatus = (status: SyncStatusName) => {
    const next = statuses.includes(status) ? statuses.filter((s) => s !== status) : [...statuses, status];
    setParam({ status: next.join(",") || null });
  };

  return (
    <div>
      <PageHeader
        title="Orders"
        description={tenantId === null && isSupport ? "The sync log of every winery, newest first." : "Every Shopify order we received, newest first."}
        actions={
          <a
            href={`/api/export/orders?${exportParams.toString()}`}
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
            download
          >
            Export CSV
          </a>
        }
      />
      <form
        role="search"
        aria-label="Filter orders"
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-[1fr_auto_auto_auto]"
        onSubmit={(e) => e.preventDefault()}
      >
        <div>
          <label htmlFor="order-search" className="block text-xs font-medium text-slate-600">
            Order name
          </label>
          <TextInput id="order-search" type="search" placeholder="#1001 or 1001" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="from" className="block text-xs font-medium text-slate-600">
            From
          </label>
          <TextInput id="from" type="date" value={from} max={to || undefined} onChange={(e) => setParam({ from: e.target.value || null })} />
        </div>
        <div>
          <label htmlFor="to" className="block text-xs font-medium text-slate-600">
            To
          </label>
          <TextInput id="to" type="date" value={to} min={from || undefined} onChange={(e) => setParam({ to: e.target.value || null })} />
        </div>
        <div>
          <label htmlFor="changes" className="block text-xs font-medium text-slate-600">
            Changed after sending
          </label>
          <Select id="changes" value={changes ?? ""} onChange={(e) => setParam({ changes: (e.target.value as ChangeFilter | "") || null })}>
            <option value="">Any order</option>
            {CHANGE_FILTERS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </div>
        <fieldset className="md:col-span-4">
          <legend className="text-xs font-medium text-slate-600">Status</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {SYNC_STATUSES.map((status) => (
              <label key={status} className="inline-flex cursor-pointer items-center gap-1.5 rounded-md border border-slate-200 px-2 py-1 text-sm has-[:checked]:border-indigo-300 has-[:checked]:bg-indigo-50">
                <input type="checkbox" checked={statuses.includes(status)} onChange={() => toggleStatus(status)} className="accent-indigo-600" />
                {STATUS_LABEL[status]}
              </label>
            ))}
            {causes.map((cause: Cause) => (
              <span key={cause} className="inline-flex items-center gap-1 rounded-md bg-amber-50 px-2 py-1 text-sm text-amber-900">
                Cause: {CAUSE_INFO[cause].label}
                <button
                  type="button"
                  aria-label={`Stop filtering by ${CAUSE_INFO[cause].label}`}
                  className="rounded px-1 hover:bg-amber-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-400"
                  onClick={() => setParam({ cause: causes.filter((c) => c !== cause).join(",") || null })}
                >
                  ×
                </button>
              </span>
            ))}
            {(statuses.length > 0 || causes.length > 0 || from || to || search || changes) && (
              <Button
                variant="ghost"
                onClick={() => {
                  setSearch("");
                  router.replace(href(pathname), { scroll: false });
                }}
              >
                Clear filters
              </Button>
            )}
          </div>
        </fieldset>
      </form>

      {requestedUnknown ? (
        <NoSuchTenant />
      ) : query.isPending && (tenantId !== null || isSupport) ? (
        <Loading label="Loading orders…" />
      ) : query.isError ? (
        <ErrorState title="Could not load the orders" error={query.error} onRetry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No orders match">
          {statuses.length || causes.length || from || to || debounced || changes ? "Try fewer filters." : "Orders appear here as soon as Shopify sends them."}
        </EmptyState>
      ) : (
        <>
          <Table label="Orders">
            <thead>
              <tr>
                <Th>Order</Th>
                {tenantId === null && <Th>Winery</Th>}
                <Th>Status</Th>
                <Th>What happened</Th>
                <Th>vintrace</Th>
                <Th>Tag</Th>
                <Th>Received</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" aria-busy={query.isFetching}>
              {rows.map((row) => (
                <tr key={row.id} className="hover:bg-slate-50" data-testid="order-row">
                  <Td>
                    <Link href={href(`/orders/${row.id}`, {}, row.tenantId)} className="font-medium text-indigo-700 hover:underline">
                      {row.orderName}
                    </Link>
                  </Td>
                  {tenantId === null && <Td className="whitespace-nowrap">{row.tenantName}</Td>}
                  <Td>
                    <StatusBadge status={row.status} />
                  </Td>
                  <Td className="max-w-md">
                    <span className="line-clamp-2 text-slate-600">
                      {row.lastErrorMessage ?? row.statusReason ?? (row.status === "PENDING" ? "Waiting to be sent." : "")}
                    </span>
                    {row.lastErrorClass && (
                      <span className="mt-0.5 flex flex-wrap gap-1">
                        <Badge tone="red">{row.lastErrorClass}</Badge>
                        {row.lastErrorFix && <Badge tone="indigo">Fix in {row.lastErrorFix === "products" ? "Products" : "Settings"}</Badge>}
                        {row.status === "PENDING" && row.attempts > 0 && <Badge tone="amber">retrying · attempt {row.attempts}</Badge>}
                      </span>
                    )}
                  </Td>
                  <Td className="font-mono text-xs">{row.vintraceSalesOrderCode ?? "—"}</Td>
                  <Td className="text-xs whitespace-nowrap">{TAG_LABEL[row.tagState] ?? row.tagState}</Td>
                  <Td className="text-xs whitespace-nowrap text-slate-600">
                    <Time value={row.createdAt} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className="mt-3 flex items-center justify-between text-sm text-slate-500">
            <span aria-live="polite">{rows.length} shown</span>
            <LoadMoreButton query={query} />
          </div>
        </>
      )}
    </div>
  );
}
