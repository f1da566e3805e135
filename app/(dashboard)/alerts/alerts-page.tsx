"use client";

// The Alerts page: every alert sent for the winery (what it said, who it reached), and where alerts go: the users
// who opted in, the chat webhooks, the silence threshold. Owners (and support staff) change the settings.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, Card, EmptyState, ErrorState, Field, Loading, Notice, PageHeader, Table, Td, TextInput, Th, Time } from "@/components/ui";
import { useTenant, TenantGate } from "@/components/tenant";

const KIND: Record<string, { label: string; tone: "slate" | "red" | "amber" | "green" | "indigo" }> = {
  AUTH_FAILING: { label: "Key refused", tone: "red" },
  FIRST_FAILURE: { label: "First failure", tone: "red" },
  DIGEST: { label: "Digest", tone: "amber" },
  SILENCE: { label: "Silence", tone: "amber" },
  SUPPORT_DIGEST: { label: "Support digest", tone: "indigo" },
  TEST: { label: "Test", tone: "green" },
  RESOLVED: { label: "Resolved", tone: "green" },
};

const CONDITION: Record<string, string> = {
  AUTH_FAILING: "vintrace is refusing the API key",
  FAILING: "orders have been failing recently",
  SILENCE: "orders are waiting and none has synced",
};

interface AlertRow {
  id: string;
  kind: string;
  subject: string;
  text: string;
  failureCount: number;
  createdAt: Date;
  deliveries: { channel: "EMAIL" | "CHAT"; recipient: string; ok: boolean; error: string | null }[];
}

export function AlertsPage() {
  const { isSupport, tenantId, tenants } = useTenant();
  if (isSupport && !tenantId && tenants.isSuccess) {
    return (
      <div className="space-y-5">
        <PageHeader title="Alerts" description="The support team's cross-winery digests. Choose a winery to see its own alerts and settings." />
        <SupportDigests />
        <TenantGate what="alerts">{() => null}</TenantGate>
      </div>
    );
  }
  return <TenantGate what="alerts">{(id) => <TenantAlerts key={id} tenantId={id} />}</TenantGate>;
}

function SupportDigests() {
  const trpc = useTRPC();
  const list = useInfiniteQuery(trpc.alerts.list.infiniteQueryOptions({ tenantId: null, limit: 25 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  if (list.isPending) return <Loading label="Loading digests…" />;
  if (list.isError) return <ErrorState title="Could not load the digests" error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data.pages.flatMap((p) => p.items);
  return <AlertTable rows={rows} empty="No support digest has been sent yet." more={list.hasNextPage ? () => void list.fetchNextPage() : undefined} />;
}

function TenantAlerts({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(trpc.alerts.list.infiniteQueryOptions({ tenantId, limit: 25 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  return (
    <div className="space-y-5">
      <PageHeader
        title="Alerts"
        description="Failures are alerted at once when vintrace refuses the key or after a quiet spell, then in a digest every 15 minutes; a warning comes when orders wait too long."
      />
      <AlertSettings tenantId={tenantId} />
      <Card title="Alerts sent">
        {list.isPending ? (
          <Loading label="Loading alerts…" />
        ) : list.isError ? (
          <ErrorState title="Could not load the alerts" error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <AlertTable
            rows={list.data.pages.flatMap((p) => p.items)}
            empty="No alert has been sent for this winery yet."
            more={list.hasNextPage ? () => void list.fetchNextPage() : undefined}
          />
        )}
      </Card>
    </div>
  );
}

function AlertTable({ rows, empty, more }: { rows: AlertRow[]; empty: string; more?: () => void }) {
  if (rows.length === 0) return <EmptyState title={empty} />;
  return (
    <div className="space-y-3">
      <Table label="Alerts sent">
        <thead>
          <tr>
            <Th>Sent</Th>
            <Th>Kind</Th>
            <Th>Alert</Th>
            <Th>Reached</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((a) => {
            const failed = a.deliveries.filter((d) => !d.ok);
            return (
              <tr key={a.id} data-testid="alert-row">
                <Td className="whitespace-nowrap">
                  <Time value={a.createdAt} />
                </Td>
                <Td>
                  <Badge tone={KIND[a.kind]?.tone ?? "slate"}>{KIND[a.kind]?.label ?? a.kind}</Badge>
                </Td>
                <Td>
                  <details>
                    <summary className="cursor-pointer font-medium text-slate-800">{a.subject}</summary>
                    <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs whitespace-pre-wrap text-slate-700">{a.text}</pre>
                  </details>
                </Td>
                <Td>
                  {a.deliveries.length === 0 ? (
                    <span className="text-slate-500">No recipients</span>
                  ) : (
                    <ul className="space-y-0.5 text-xs">
                      {a.deliveries.map((d, i) => (
                        <li key={i} className={d.ok ? "text-slate-600" : "text-red-700"} title={d.error ?? undefined}>
                          {d.ok ? "✓" : "✗"} {d.channel === "EMAIL" ? "mail" : "chat"} {d.recipient}
                          {d.error && `: ${d.error}`}
                        </li>
                      ))}
                    </ul>
                  )}
                  {failed.length > 0 && <span className="sr-only">{failed.length} failed</span>}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {more && <Button onClick={more}>Show older alerts</Button>}
    </div>
  );
}

function AlertSettings({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.alerts.settings.queryOptions({ tenantId }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.settings.queryKey({ tenantId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.infiniteQueryKey({ tenantId, limit: 25 }) });
  };
  const addHook = useMutation(trpc.alerts.addWebhook.mutationOptions({ onSuccess: refresh }));
  const removeHook = useMutation(trpc.alerts.removeWebhook.mutationOptions({ onSuccess: refresh }));
  const silence = useMutation(trpc.alerts.setSilenceThreshold.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.alerts.sendTest.mutationOptions({ onSuccess: refresh }));
  const [hours, setHours] = useState<string | null>(null);

  if (settings.isPending) return <Loading label="Loading alert settings…" />;
  if (settings.isError) return <ErrorState title="Could not load the alert settings" error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  const hookErrors = (addHook.error?.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined)?.fieldErrors;

  function onAddHook(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    addHook.mutate({ tenantId, label: String(data.get("label") ?? ""), url: String(data.get("url") ?? "") }, { onSuccess: () => form.reset() });
  }

  return (
    <div className="grid gap-5 lg:grid-cols-2">
      {s.openConditions.length > 0 && (
        <div className="lg:col-span-2">
          <Notice tone="warning" testId="open-conditions">
            Alerted and not yet cleared: {s.openConditions.map((c) => CONDITION[c.condition] ?? c.condition).join("; ")}.
          </Notice>
        </div>
      )}
      <Card title="Who gets alerts">
        <p className="text-sm text-slate-600">By mail, to the users who opted in (each user chooses on their <Link href="/account" className="text-indigo-700 underline">Account page</Link>):</p>
        {s.emailRecipients.length === 0 ? (
          <p className="mt-2 text-sm text-amber-800" data-testid="no-mail-recipients">Nobody has opted in yet.</p>
        ) : (
          <ul className="mt-2 list-disc pl-5 text-sm" data-testid="mail-recipients">
            {s.emailRecipients.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        <h3 className="mt-4 text-sm font-semibold text-slate-800">Chat webhooks</h3>
        {s.webhooks.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500">None. Slack-compatible incoming webhooks (a JSON {"{text}"} POST) work.</p>
        ) : (
          <ul className="mt-1 divide-y divide-slate-100 text-sm">
            {s.webhooks.map((w) => (
              <li key={w.id} className="flex items-center justify-between gap-2 py-1.5">
                <span>
                  <span className="font-medium">{w.label}</span> <span className="text-slate-500">{w.origin}/…</span>
                </span>
                {s.canManage && (
                  <Button variant="danger" disabled={removeHook.isPending} onClick={() => removeHook.mutate({ tenantId, webhookId: w.id })}>
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {s.canManage && (
          <form onSubmit={onAddHook} className="mt-3 space-y-3">
            <Field id="hook-label" label="Name" error={hookErrors?.label?.[0]}>
              <TextInput id="hook-label" name="label" required maxLength={60} placeholder="Cellar team Slack" invalid={Boolean(hookErrors?.label)} />
            </Field>
            <Field id="hook-url" label="Webhook address" hint="A public https:// address; it is stored encrypted." error={hookErrors?.url?.[0]}>
              <TextInput id="hook-url" name="url" required maxLength={2000} placeholder="https://hooks.slack.com/services/…" invalid={Boolean(hookErrors?.url)} />
            </Field>
            {addHook.error && !hookErrors && <Notice tone="error">{addHook.error.message}</Notice>}
            <Button type="submit" variant="primary" disabled={addHook.isPending}>
              {addHook.isPending ? "Adding…" : "Add webhook"}
            </Button>
          </form>
        )}
      </Card>
      <Card title="When">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            silence.mutate({ tenantId, minutes: Math.round(Number(hours ?? s.silenceAlertMinutes / 60) * 60) });
          }}
          className="space-y-3"
        >
          <Field
            id="silence-hours"
            label="Warn when orders wait with none synced for (hours)"
            hint="Default 2 hours; between 0.25 and 168."
            error={silence.error?.message}
          >
            <TextInput
              id="silence-hours"
              type="number"
              min={0.25}
              max={168}
              step={0.25}
              disabled={!s.canManage}
              value={hours ?? String(s.silenceAlertMinutes / 60)}
              onChange={(e) => setHours(e.target.value)}
              invalid={Boolean(silence.error)}
            />
          </Field>
          {s.canManage && (
            <Button type="submit" disabled={silence.isPending}>
              Save
            </Button>
          )}
          {silence.isSuccess && <Notice tone="success">Saved.</Notice>}
        </form>
        {s.canManage && (
          <div className="mt-5 border-t border-slate-100 pt-4">
            <Button onClick={() => test.mutate({ tenantId })} disabled={test.isPending}>
              {test.isPending ? "Sending…" : "Send a test alert"}
            </Button>
            {test.error && <Notice tone="error">{test.error.message}</Notice>}
            {test.data && (
              <div className="mt-2" data-testid="test-alert-result">
                {test.data.deliveries.length === 0 ? (
                  <Notice tone="warning">Nobody receives this winery&apos;s alerts yet: opt in on the Account page, or add a chat webhook.</Notice>
                ) : (
                  <Notice tone={test.data.deliveries.every((d) => d.ok) ? "success" : "warning"}>
                    {test.data.deliveries.map((d) => `${d.ok ? "Sent to" : "Failed for"} ${d.recipient}${d.error ? ` (${d.error})` : ""}`).join("; ")}
                  </Notice>
                )}
              </div>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
