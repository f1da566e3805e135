"use client";

// Bulk retry, in two steps so that nothing is queued before the merchant has seen what will happen: paste → a
// read-only preview saying what will really happen to each name (the worker's own rules) → confirm → live progress read from the orders' sync records → results,
// downloadable as CSV.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { downloadText } from "@/components/download";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, Card, ErrorState, Field, Loading, Notice, PageHeader, StatusBadge, Table, Td, TextArea, Th } from "@/components/ui";
import { useTenantHref, TenantGate } from "@/components/tenant";
import { toCsv } from "@/lib/csv";

type Preview = Extract<RouterOutputs["retry"]["preview"], { ok: true }>;
type Verdict = Preview["verdicts"][number];
type Confirmation = Extract<RouterOutputs["retry"]["confirm"], { ok: true }>;
type Outcome = Confirmation["results"][number];
type Progress = RouterOutputs["orders"]["progress"][number];

const VERDICT: Record<Verdict["verdict"], { label: string; tone: "green" | "red" | "indigo" | "amber" | "slate" }> = {
  found: { label: "Found", tone: "green" },
  not_found: { label: "Not found", tone: "red" },
  already_synced: { label: "Already in vintrace", tone: "indigo" },
  in_progress: { label: "In progress", tone: "amber" },
  skipped: { label: "Skipped", tone: "slate" },
  refused: { label: "Refused", tone: "slate" },
};

const ACTION: Record<Outcome["action"], string> = { queued: "Queued", tag_queued: "Tag correction queued", none: "Nothing to do" };

const gidOf = (v: Verdict | Outcome): string | null => ("orderGid" in v ? v.orderGid : null);

export function RetryPage() {
  return <TenantGate what="orders to retry">{(tenantId) => <Retry key={tenantId} tenantId={tenantId} />}</TenantGate>;
}

function Retry({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [submitted, setSubmitted] = useState<string | null>(null);
  const preview = useQuery({ ...trpc.retry.preview.queryOptions({ tenantId, text: submitted ?? "" }), enabled: submitted !== null, staleTime: 0, gcTime: 0, retry: false });
  const confirm = useMutation(trpc.retry.confirm.mutationOptions());

  const reset = () => {
    setSubmitted(null);
    confirm.reset();
  };

  return (
    <div className="space-y-5">
      <PageHeader title="Retry orders" description="Paste order names; see what would happen to each; then confirm. The preview changes nothing." />
      <Card>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            confirm.reset();
            setSubmitted(text);
            if (submitted === text) void preview.refetch();
          }}
          className="space-y-3"
        >
          <Field id="order-names" label="Order names" hint="Separate them with commas, spaces or new lines: #1001, 1002 … Up to 500 at once.">
            <TextArea
              id="order-names"
              rows={5}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={"#1001, 1002\n#1003"}
              disabled={confirm.isPending || confirm.isSuccess}
            />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" variant="primary" disabled={!text.trim() || preview.isFetching || confirm.isPending || confirm.isSuccess}>
              {preview.isFetching ? "Checking…" : "Preview"}
            </Button>
            {(submitted !== null || confirm.isSuccess) && (
              <Button
                variant="ghost"
                onClick={() => {
                  setText("");
                  reset();
                }}
              >
                Start over
              </Button>
            )}
          </div>
        </form>
      </Card>

      {submitted !== null && !confirm.data && (
        <PreviewResult
          query={preview}
          confirming={confirm.isPending}
          onConfirm={(names) => confirm.mutate({ tenantId, names })}
        />
      )}
      {confirm.isError && <ErrorState title="The retry could not start" error={confirm.error} />}
      {confirm.data && !confirm.data.ok && <ErrorState title="The retry could not start" error={{ message: confirm.data.error }} />}
      {confirm.data?.ok && <Results tenantId={tenantId} confirmation={confirm.data} />}
    </div>
  );
}

function PreviewResult({
  query,
  confirming,
  onConfirm,
}: {
  query: { isPending: boolean; isFetching: boolean; isError: boolean; error: { message: string } | null; data?: RouterOutputs["retry"]["preview"]; refetch: () => unknown };
  confirming: boolean;
  onConfirm: (names: string[]) => void;
}) {
  if (query.isPending || (query.isFetching && !query.data)) return <Loading label="Looking the orders up in Shopify…" />;
  if (query.isError || !query.data) return <ErrorState title="The preview failed" error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data.ok) return <ErrorState title="Nothing to preview" error={{ message: query.data.error }} />;
  const { verdicts, counts } = query.data;
  const actionable = verdicts.filter((v) => v.verdict === "found" || (v.verdict === "already_synced" && v.tagNeedsCorrection));
  const names = verdicts.filter((v) => v.verdict !== "refused" && v.verdict !== "not_found").map((v) => v.name);
  return (
    <Card
      title="Preview"
      actions={
        <p className="text-sm text-slate-600" data-testid="preview-counts">
          {counts.found} will be sent · {counts.skipped} will be skipped · {counts.already_synced} already in vintrace · {counts.in_progress} in progress · {counts.not_found} not
          found · {counts.refused} refused
        </p>
      }
    >
      {verdicts.length === 0 ? <p className="text-sm text-slate-500">No order names in that text.</p> : <VerdictTable verdicts={verdicts} />}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button variant="primary" disabled={actionable.length === 0 || confirming} onClick={() => onConfirm(names)}>
          {confirming ? "Queuing…" : `Confirm: retry ${actionable.length} ${actionable.length === 1 ? "order" : "orders"}`}
        </Button>
        {actionable.length === 0 && <span className="text-sm text-slate-500">Nothing here needs a retry.</span>}
        {query.isFetching && <span className="text-sm text-slate-500">Refreshing…</span>}
      </div>
    </Card>
  );
}

/** What will happen to each order, as the bulk retry's preview says it: here, and before a winery goes live. */
export function VerdictTable({ verdicts }: { verdicts: Verdict[] }) {
  return (
    <Table label="Preview">
      <thead>
        <tr>
          <Th>Name</Th>
          <Th>What will happen</Th>
          <Th>Why</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {verdicts.map((v) => (
          <tr key={`${v.verdict}-${v.name}`} data-testid="verdict-row" data-verdict={v.verdict}>
            <Td className="font-mono">{v.name}</Td>
            <Td>
              <Badge tone={VERDICT[v.verdict].tone}>
                <span data-testid="verdict-outcome">{v.outcome}</span>
              </Badge>
            </Td>
            <Td className="text-slate-600">{v.message}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

// The server says when an order is settled: finished, or backing off until a scheduled retry.
const settled = (p: Progress | undefined) => p?.settled === true;

/** "next try at 14:05", in the viewer's own time, for an order waiting for its scheduled retry. */
const nextTry = (p: Progress | undefined) =>
  p?.nextTryAt ? `next try at ${new Date(p.nextTryAt).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}` : null;

function Results({ tenantId, confirmation }: { tenantId: string; confirmation: Confirmation }) {
  const trpc = useTRPC();
  const href = useTenantHref();
  const watched = confirmation.results.filter((r) => r.action !== "none").map(gidOf).filter((g): g is string => g !== null);
  const progress = useQuery({
    ...trpc.orders.progress.queryOptions({ tenantId, orderGids: watched }),
    enabled: watched.length > 0,
    refetchInterval: (query) => (watched.every((gid) => settled(query.state.data?.find((p) => p.orderGid === gid))) ? false : 1_500),
  });
  const byGid = new Map((progress.data ?? []).map((p) => [p.orderGid, p]));
  const done = watched.filter((gid) => settled(byGid.get(gid))).length;
  const rows = confirmation.results.map((r) => ({ result: r, live: gidOf(r) ? byGid.get(gidOf(r) as string) : undefined }));
  const finished = done === watched.length;
  const waitingCount = watched.filter((gid) => nextTry(byGid.get(gid)) !== null).length;

  const csv = () =>
    downloadText(
      `retry-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`,
      toCsv(rows, [
        { header: "Name", value: (r) => r.result.name },
        { header: "Verdict", value: (r) => VERDICT[r.result.verdict].label },
        { header: "Action", value: (r) => ACTION[r.result.action] },
        { header: "Status", value: (r) => [r.live?.status, nextTry(r.live)].filter(Boolean).join(", ") },
        { header: "vintrace sales order", value: (r) => r.live?.vintraceSalesOrderCode ?? ("salesOrderCode" in r.result ? r.result.salesOrderCode : "") },
        { header: "Tag", value: (r) => r.live?.tagState ?? "" },
        { header: "Error", value: (r) => r.live?.lastErrorMessage ?? "" },
        { header: "Message", value: (r) => r.result.message },
      ]),
    );

  return (
    <Card
      title="Results"
      actions={
        <Button onClick={csv} disabled={!finished && watched.length > 0}>
          Download CSV
        </Button>
      }
    >
      <div className="mb-3" aria-live="polite">
        {watched.length === 0 ? (
          <Notice>Nothing was queued.</Notice>
        ) : (
          <>
            <p className="text-sm text-slate-700" data-testid="retry-progress">
              {finished ? `Done: ${done} of ${watched.length} orders finished.` : `Working: ${done} of ${watched.length} orders finished…`}
              {waitingCount > 0 && ` ${waitingCount} ${waitingCount === 1 ? "waits" : "wait"} for a scheduled retry.`}
            </p>
            <div className="mt-1 h-2 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={watched.length} aria-valuenow={done} aria-label="Retry progress">
              <div className="h-full bg-indigo-500 transition-all" style={{ width: `${watched.length ? (done / watched.length) * 100 : 100}%` }} />
            </div>
          </>
        )}
        {progress.isError && <Notice tone="error">Could not read the progress: {progress.error.message}</Notice>}
      </div>
      <Table label="Results">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Action</Th>
            <Th>Status</Th>
            <Th>vintrace</Th>
            <Th>Tag</Th>
            <Th>Details</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map(({ result, live }) => (
            <tr key={`${result.verdict}-${result.name}`} data-testid="result-row">
              <Td className="font-mono">
                {live ? (
                  <Link className="text-indigo-700 hover:underline" href={href(`/orders/${live.id}`)}>
                    {result.name}
                  </Link>
                ) : (
                  result.name
                )}
              </Td>
              <Td>{ACTION[result.action]}</Td>
              <Td>
                {live ? <StatusBadge status={live.status} /> : <Badge tone={VERDICT[result.verdict].tone}>{VERDICT[result.verdict].label}</Badge>}
                {nextTry(live) && <span className="ml-1 block text-xs text-slate-500" data-testid="next-try">{nextTry(live)}</span>}
              </Td>
              <Td className="font-mono text-xs">{live?.vintraceSalesOrderCode ?? ("salesOrderCode" in result ? result.salesOrderCode : null) ?? "—"}</Td>
              <Td className="text-xs">{live?.tagState ?? "—"}</Td>
              <Td className="text-slate-600">{live?.lastErrorMessage ?? live?.statusReason ?? result.message}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
