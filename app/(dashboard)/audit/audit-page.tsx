"use client";

// Who changed which setting, who retried what, who invited whom. Filters live in the address.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { dayStart, useDebounced, useSetSearchParams } from "@/components/address-filters";
import { JsonView } from "@/components/json-view";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { EmptyState, ErrorState, Loading, LoadMoreButton, PageHeader, Table, Td, TextInput, Th, Time } from "@/components/ui";
import { NoSuchTenant, useTenant } from "@/components/tenant";
import { auditFilterGroups } from "@/lib/audit-actions";

type Row = RouterOutputs["audit"]["list"]["rows"][number];

const ACTION_GROUPS = auditFilterGroups();

/** One line saying what happened, from the event's details. */
function summary(row: Row): string {
  const d = (row.details && typeof row.details === "object" && !Array.isArray(row.details) ? row.details : {}) as Record<string, unknown>;
  if (Array.isArray(d.changes)) {
    return d.changes
      .map((c) => (c && typeof c === "object" ? (c as { field?: unknown; from?: unknown; to?: unknown }) : {}))
      .map((c) => (c.field === "apiKey" ? "API key replaced" : `${String(c.field)}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`))
      .join("; ");
  }
  if (row.action === "orders.retry") return `${String(d.requested ?? 0)} names: ${String(d.queued ?? 0)} queued, ${String(d.tag_queued ?? 0)} tags corrected, ${String(d.none ?? 0)} unchanged`;
  if (typeof d.email === "string") return d.email;
  if (typeof d.shopifySku === "string") return `${d.shopifySku}${typeof d.vintraceCode === "string" ? ` → ${d.vintraceCode} × ${String(d.multiplier)}` : ""}`;
  return "";
}

export function AuditPage() {
  const { isSupport, tenantId, tenants, requestedUnknown } = useTenant();
  const params = useSearchParams();
  const setParam = useSetSearchParams();
  const action = params.get("action") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [actor, setActor] = useState(params.get("actor") ?? "");
  const debouncedActor = useDebounced(actor.trim(), 250);

  const filter = { action: action || undefined, actor: debouncedActor || undefined, from: dayStart(from), to: dayStart(to, 1) };
  const trpc = useTRPC();
  // One winery's log, or (support staff, no winery picked) every winery's and support's own.
  const query = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions({ tenantId, filter, limit: 50 }, { getNextPageParam: (p) => p.nextCursor }),
    enabled: tenantId !== null || (isSupport && tenants.isSuccess && !requestedUnknown),
  });
  const rows = query.data?.pages.flatMap((p) => p.rows) ?? [];

  return (
    <div>
      <PageHeader title="Audit log" description={tenantId === null && isSupport ? "Every winery, and support's own actions." : "Who changed what in this winery."} />
      <form role="search" aria-label="Filter the audit log" className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:grid-cols-4" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="audit-action" className="block text-xs font-medium text-slate-600">
            Action
          </label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => setParam({ action: e.target.value || null })}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
          >
            <option value="">Any action</option>
            {ACTION_GROUPS.map((group) => (
              <optgroup key={group.area} label={group.label}>
                <option value={group.area}>{group.label}: all</option>
                {group.actions.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="block text-xs font-medium text-slate-600">
            By (email)
          </label>
          <TextInput
            id="audit-actor"
            type="search"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            onBlur={() => setParam({ actor: actor.trim() || null })}
          />
        </div>
        <div>
          <label htmlFor="audit-from" className="block text-xs font-medium text-slate-600">
            From
          </label>
          <TextInput id="audit-from" type="date" value={from} onChange={(e) => setParam({ from: e.target.value || null })} />
        </div>
        <div>
          <label htmlFor="audit-to" className="block text-xs font-medium text-slate-600">
            To
          </label>
          <TextInput id="audit-to" type="date" value={to} onChange={(e) => setParam({ to: e.target.value || null })} />
        </div>
      </form>
      {requestedUnknown ? (
        <NoSuchTenant />
      ) : query.isPending && (tenantId !== null || isSupport) ? (
        <Loading label="Loading the audit log…" />
      ) : query.isError ? (
        <ErrorState title="Could not load the audit log" error={query.error} onRetry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="Nothing recorded">{action || debouncedActor || from || to ? "Try fewer filters." : "Changes, retries and invitations show here."}</EmptyState>
      ) : (
        <>
          <Table label="Audit log">
            <thead>
              <tr>
                <Th>When</Th>
                {tenantId === null && <Th>Winery</Th>}
                <Th>Who</Th>
                <Th>What</Th>
                <Th>Details</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={row.id} data-testid="audit-row">
                  <Td className="text-xs whitespace-nowrap">
                    <Time value={row.createdAt} />
                  </Td>
                  {tenantId === null && <Td className="whitespace-nowrap">{row.tenantName ?? "—"}</Td>}
                  <Td>{row.actorEmail ?? "system"}</Td>
                  <Td className="font-mono text-xs">{row.action}</Td>
                  <Td className="max-w-lg">
                    <span className="text-slate-700">{summary(row)}</span>
                    <JsonView label="All details" value={row.details} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {query.hasNextPage && (
            <div className="mt-3 text-right">
              <LoadMoreButton query={query} />
            </div>
          )}
        </>
      )}
    </div>
  );
}
