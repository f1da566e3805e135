"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { DayChart } from "@/components/day-chart";
import { useTRPC } from "@/components/trpc";
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader, StatusBadge, Table, Td, Th, timeAgo, Time } from "@/components/ui";
import { useTenant, useTenantHref } from "@/components/tenant";
import type { RouterOutputs } from "@/components/types";
import { TaxPolicySwitch } from "./settings/tax-policy-switch";
import { SetupProgressNote } from "./wineries/setup-progress";

type Health = RouterOutputs["overview"]["get"]["tenants"][number];
type Group = RouterOutputs["overview"]["get"]["failures"][number];
type Warning = Health["warnings"][number];

const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)} %`);

export function OverviewPage() {
  const { isSupport, tenantId, tenants } = useTenant();
  if (tenants.isPending) return <Loading />;
  if (tenants.isError) return <ErrorState title="Could not load your wineries" error={tenants.error} onRetry={() => void tenants.refetch()} />;
  if (isSupport && !tenantId) return <AllTenants />;
  if (!tenantId) return <EmptyState title="No winery yet">Ask Winehub support to add your winery.</EmptyState>;
  return <TenantOverview tenantId={tenantId} />;
}

/**
 * Where a warning sends its reader: support to its own pages when it has a link of its own, else the common one. A
 * winery in setup is finished in the setup wizard, at its current step.
 */
function warningLink(w: Warning, isSupport: boolean): { href: string; action: string } | null {
  if (isSupport && w.supportLink) return w.supportLink;
  if (w.kind === "SETUP" && w.href) return { href: w.href.replace(/^\/settings/, "/setup"), action: "Continue the setup" };
  return w.href && w.action ? { href: w.href, action: w.action } : null;
}

function WarningList({ warnings, showTenant, tenantId }: { warnings: (Warning & { tenant?: string })[]; showTenant?: boolean; tenantId?: string }) {
  const { isSupport } = useTenant();
  if (warnings.length === 0) return null;
  return (
    <ul className="space-y-2" aria-label="Warnings">
      {warnings.map((w, i) => {
        const link = warningLink(w, isSupport);
        return (
          <li
            key={`${w.kind}-${i}`}
            data-testid="warning"
            className={
              w.severity === "error"
                ? "flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
                : w.severity === "warning"
                  ? "flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                  : "flex flex-wrap items-center justify-between gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
            }
          >
            <span>
              {showTenant && w.tenant && <strong className="mr-1">{w.tenant}:</strong>}
              {w.message}
            </span>
            <span className="inline-flex flex-wrap items-center gap-3">
              {w.kind === "TAX_POLICY" && tenantId && <TaxPolicySwitch tenantId={tenantId} />}
              {link && (
                <Link href={link.href} className="font-medium underline underline-offset-2 hover:no-underline">
                  {link.action} →
                </Link>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint && <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

function TenantOverview({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const href = useTenantHref();
  const overview = useQuery({ ...trpc.overview.get.queryOptions({ tenantId }), refetchInterval: 30_000 });
  if (overview.isPending) return <Loading label="Loading the overview…" />;
  if (overview.isError) return <ErrorState title="Could not load the overview" error={overview.error} onRetry={() => void overview.refetch()} />;
  const { tenants, failures } = overview.data;
  const health = tenants.at(0);
  if (!health) return <ErrorState title="No such winery" error={null} />;
  const total = health.synced + health.failed + health.skipped;
  return (
    <div className="space-y-6" data-testid="winery">
      <PageHeader
        title={health.name}
        description={
          <>
            {health.shopDomain} · <StatusBadge status={health.status} />
          </>
        }
        actions={<Link className="text-sm font-medium text-indigo-700 hover:underline" href={href("/orders")}>Open the sync log →</Link>}
      />
      <WarningList warnings={health.warnings} tenantId={tenantId} />
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Synced" value={health.synced} hint="last 14 days" />
        <Stat label="Failed" value={<Link href={href("/orders", { status: "FAILED" })} className="hover:underline">{health.failed}</Link>} hint="last 14 days" />
        <Stat label="Waiting" value={<Link href={href("/orders", { status: "PENDING,HELD" })} className="hover:underline">{health.pending}</Link>} hint="pending or held now" />
        <Stat label="Success rate" value={percent(health.successRate)} hint="synced ÷ (synced + failed)" />
        <Stat label="Last sync" value={<span className="text-base">{timeAgo(health.lastSyncedAt)}</span>} hint={<Time value={health.lastSyncedAt} />} />
      </dl>
      <Card title="Orders, last 14 days">
        {total === 0 && health.pending === 0 ? (
          <EmptyState title="No orders in the last 14 days">New Shopify orders show here as they arrive.</EmptyState>
        ) : (
          <DayChart days={health.days} label={`${health.name}: orders per day over the last 14 days`} />
        )}
      </Card>
      <FailureGroups groups={failures} tenantId={tenantId} />
    </div>
  );
}

/**
 * For a winery's owner or staff, the group of refusals in words no check recognised: support retries those once they
 * have read them (the server refuses anyone else), so the action is to tell them, as the order's page says.
 */
function TellSupport() {
  return (
    <p className="text-sm text-slate-700" data-testid="failure-group-tell-support">
      <strong>Tell support.</strong> They see these refusals on their Overview too, grouped by vintrace&apos;s words; once they have found the cause
      they retry them.
    </p>
  );
}

function GroupAction({ group, tenantId }: { group: Group; tenantId: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const href = useTenantHref();
  const { isSupport } = useTenant();
  const [confirming, setConfirming] = useState(false);
  const onSuccess = () => {
    setConfirming(false);
    void queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() });
  };
  const mutation = useMutation(trpc.overview.retryCause.mutationOptions({ onSuccess }));
  const list = href("/orders", { status: "FAILED", cause: group.cause }, tenantId);
  const result = mutation.data;
  const forSupport = group.cause === "UNRECOGNISED" && !isSupport;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {forSupport && <TellSupport />}
      {group.retryable &&
        !forSupport &&
        (confirming ? (
          <>
            <span className="text-sm">
              Retry {group.orders} {group.orders === 1 ? "order" : "orders"}
              {tenantId ? "" : ` in ${group.tenants} ${group.tenants === 1 ? "winery" : "wineries"}`}?
            </span>
            <Button
              variant="primary"
              disabled={mutation.isPending}
              onClick={() => mutation.mutate({ tenantId, cause: group.cause })}
            >
              {mutation.isPending ? "Retrying…" : "Confirm retry"}
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)} disabled={mutation.isPending}>
              Cancel
            </Button>
          </>
        ) : (
          <Button variant="primary" onClick={() => setConfirming(true)}>
            Retry {group.orders} {group.orders === 1 ? "order" : "orders"}
          </Button>
        ))}
      {!group.retryable &&
        (tenantId && group.fix ? (
          <Link
            href={`${href(group.fix === "products" ? "/products" : "/settings", {}, tenantId)}${group.fixSection ? `#${group.fixSection}` : ""}`}
            className="text-sm font-medium text-indigo-700 hover:underline"
            data-testid="failure-group-fix"
          >
            {group.fix === "products" ? "Fix it on the Products page →" : "Fix it in Settings →"}
          </Link>
        ) : (
          <span className="text-sm text-slate-600">
            {group.fix === "products" ? "Fix on each winery's Products page" : "Fix in each winery's Settings"};{" "}
            {group.fixRetries ? "saving the fix retries them." : "then retry them by hand."}
          </span>
        ))}
      <Link href={list} className="text-sm font-medium text-indigo-700 hover:underline">
        Open the {group.orders} {group.orders === 1 ? "order" : "orders"} →
      </Link>
      {mutation.isError && <Notice tone="error">Retry failed: {mutation.error.message}</Notice>}
      {result && (
        <Notice tone={result.problems.length ? "warning" : "success"}>
          Queued {result.queued}; {result.alreadyDone} already in vintrace; {result.notRetried} not retried.
          {result.problems.map((p) => (
            <span key={p.tenantId} className="block">
              {p.message}
            </span>
          ))}
        </Notice>
      )}
    </div>
  );
}

function FailureGroups({ groups, tenantId }: { groups: Group[]; tenantId: string | null }) {
  const href = useTenantHref();
  const words = useWordsRetry(tenantId);
  return (
    <Card title={tenantId ? "Failures by cause" : "Failures by cause, across wineries"}>
      {/* Above the list: the words' retry empties their group, which would take its answer with it. */}
      {words.answer}
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">No failed orders. 🎉</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Failures by cause">
          {groups.map((group) => (
            <li key={group.cause} className="py-3 first:pt-0 last:pb-0" data-testid="failure-group">
              <p className="font-medium" data-testid="failure-group-title">
                {group.label}: {group.orders} {group.orders === 1 ? "order" : "orders"}
                {!tenantId && `, ${group.tenants} ${group.tenants === 1 ? "winery" : "wineries"}`}
              </p>
              <p className="mt-0.5 text-sm text-slate-600">{group.explanation}</p>
              {group.byText && group.byText.length > 0 && (
                <ul className="mt-1 space-y-0.5 text-xs text-slate-600" aria-label="vintrace's words" data-testid="failure-group-texts">
                  {group.byText.map((t) => (
                    <li key={t.text ?? ""} className="flex flex-wrap items-center gap-x-2">
                      <span>
                        <q className="font-mono">{t.text ?? "(no words given)"}</q>: {t.orders} {t.orders === 1 ? "order" : "orders"}
                        {!tenantId && `, ${t.tenants} ${t.tenants === 1 ? "winery" : "wineries"}`}
                      </span>
                      {words.button(t.text)}
                    </li>
                  ))}
                </ul>
              )}
              {!tenantId && (
                <p className="mt-1 text-xs text-slate-500">
                  {group.byTenant.slice(0, 6).map((w, i) => (
                    <span key={w.tenantId}>
                      {i > 0 && " · "}
                      <Link className="hover:underline" href={href("/orders", { status: "FAILED", cause: group.cause }, w.tenantId)}>
                        {w.name} ({w.orders})
                      </Link>
                    </span>
                  ))}
                  {group.byTenant.length > 6 && ` · and ${group.byTenant.length - 6} more`}
                </p>
              )}
              <div className="mt-2">
                <GroupAction group={group} tenantId={tenantId} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const orders = (n: number) => `${n} ${n === 1 ? "order" : "orders"}`;

/**
 * Support's retry of the refusals in one text of vintrace's that no check recognised, once they have read it and
 * found the cause: a button beside each text (support only: the server refuses anyone else), and what it queued.
 */
function useWordsRetry(tenantId: string | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isSupport } = useTenant();
  const mutation = useMutation(
    trpc.overview.retryUnrecognisedWords.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() }) }),
  );
  const result = mutation.data;
  // The words the answer is about: their group is gone from the list once every order in them is queued.
  const text = mutation.variables?.vintraceText;
  const said = text ? `the words “${text}”` : "a refusal without words";
  const button = (text: string | null) =>
    isSupport && (
      <Button
        variant="ghost"
        className="px-1.5 py-0.5 text-xs"
        disabled={mutation.isPending}
        onClick={() => mutation.mutate({ tenantId, vintraceText: text })}
      >
        Retry after review
      </Button>
    );
  const answer = (
    <>
      {mutation.isError && <Notice tone="error">Retry failed: {mutation.error.message}</Notice>}
      {result && (
        <div className="mb-3">
          <Notice tone={result.queued ? "success" : "info"} testId="words-retry-result">
            {result.queued
              ? `Queued again: ${orders(result.queued)}${tenantId ? "" : ` in ${result.tenants} ${result.tenants === 1 ? "winery" : "wineries"}`} refused in ${said}.`
              : `Nothing queued for ${said}.`}
            {result.left > 0 && ` ${orders(result.left)} stayed failed (failed over 7 days ago, or being synced): retry them on the Retry page.`}
          </Notice>
        </div>
      )}
    </>
  );
  return { button, answer };
}

function AllTenants() {
  const trpc = useTRPC();
  const href = useTenantHref();
  const overview = useQuery({ ...trpc.overview.get.queryOptions({ tenantId: null }), refetchInterval: 30_000 });
  if (overview.isPending) return <Loading label="Loading every winery…" />;
  if (overview.isError) return <ErrorState title="Could not load the overview" error={overview.error} onRetry={() => void overview.refetch()} />;
  const { tenants, failures } = overview.data;
  const warnings = tenants.flatMap((w) => w.warnings.filter((x) => x.severity !== "info").map((x) => ({ ...x, tenant: w.name })));
  const totals = tenants.reduce((t, w) => ({ synced: t.synced + w.synced, failed: t.failed + w.failed, pending: t.pending + w.pending }), { synced: 0, failed: 0, pending: 0 });
  return (
    <div className="space-y-6">
      <PageHeader title="All wineries" description={`${tenants.length} wineries · last 14 days`} />
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Synced" value={totals.synced} hint="last 14 days" />
        <Stat label="Failed" value={totals.failed} hint="last 14 days" />
        <Stat label="Waiting" value={totals.pending} hint="pending or held now" />
        <Stat label="Success rate" value={percent(totals.synced + totals.failed ? totals.synced / (totals.synced + totals.failed) : null)} />
      </dl>
      {warnings.length > 0 && (
        <Card title={`Needs attention (${warnings.length})`}>
          <WarningList warnings={warnings} showTenant />
        </Card>
      )}
      <FailureGroups groups={failures} tenantId={null} />
      {tenants.length === 0 ? (
        <EmptyState title="No wineries yet">
          <Link className="text-indigo-700 hover:underline" href="/wineries">Add the first winery →</Link>
        </EmptyState>
      ) : (
        <Table label="Wineries">
          <thead>
            <tr>
              <Th>Winery</Th>
              <Th>Status</Th>
              <Th className="text-right">Synced</Th>
              <Th className="text-right">Failed</Th>
              <Th className="text-right">Waiting</Th>
              <Th className="text-right">Success</Th>
              <Th>Last sync</Th>
              <Th>14 days</Th>
              <Th>Warnings</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tenants.map((w) => (
              <tr key={w.tenantId} data-testid="winery" className="hover:bg-slate-50">
                <Td>
                  <Link href={href("/", {}, w.tenantId)} className="font-medium text-indigo-700 hover:underline">
                    {w.name}
                  </Link>
                  <span className="block text-xs text-slate-500">{w.shopDomain}</span>
                </Td>
                <Td>
                  <StatusBadge status={w.status} />
                  {w.setup && <SetupProgressNote setup={w.setup} />}
                </Td>
                <Td className="text-right tabular-nums">{w.synced}</Td>
                <Td className="text-right tabular-nums">
                  {w.failed > 0 ? <Link className="text-red-700 hover:underline" href={href("/orders", { status: "FAILED" }, w.tenantId)}>{w.failed}</Link> : 0}
                </Td>
                <Td className="text-right tabular-nums">{w.pending}</Td>
                <Td className="text-right tabular-nums">{percent(w.successRate)}</Td>
                <Td className="whitespace-nowrap">{timeAgo(w.lastSyncedAt)}</Td>
                <Td><DayChart days={w.days} label={`${w.name}: orders per day`} compact /></Td>
                <Td>
                  {w.warnings.length === 0 ? (
                    <span className="text-xs text-slate-500">None</span>
                  ) : (
                    <span className="text-xs text-red-700" title={w.warnings.map((x) => x.message).join("\n")}>
                      {w.warnings.length} {w.warnings.length === 1 ? "warning" : "warnings"}
                    </span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
