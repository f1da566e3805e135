"use client";

// A winery's vintrace settings (the form itself is settings-form.tsx), its pause switch and its start date. A winery
// installed from Shopify is set up in the setup wizard: its orders are held until it goes live (the banner on top
// points there).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { Button, Card, ErrorState, Field, LinkButton, Loading, Notice, PageHeader, StatusBadge, TextInput, Time } from "@/components/ui";
import { TenantGate, useTenantHref } from "@/components/tenant";
import { useFragmentFocus } from "@/components/use-fragment-focus";
import { firstErrors, SettingsForm, type SettingsView as View } from "./settings-form";

export function SettingsPage() {
  return <TenantGate what="settings">{(tenantId) => <Settings key={tenantId} tenantId={tenantId} />}</TenantGate>;
}

function Settings({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({ tenantId }));
  // A failed order's fix link names the field that fixes it; the form is drawn only once the settings are in.
  useFragmentFocus(settings.isSuccess);
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError) return <ErrorState title="Could not load the settings" error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <div className="space-y-5">
      <PageHeader
        title="Settings"
        description={
          <span>
            {settings.data.tenantName} · vintrace connection and how orders are sent
            {settings.data.updatedAt && (
              <>
                {" "}
                · saved <Time value={settings.data.updatedAt} />
              </>
            )}
          </span>
        }
      />
      {settings.data.tenantStatus === "SETUP" && <SetupCard tenantId={tenantId} />}
      <PauseCard tenantId={tenantId} view={settings.data} />
      <SyncStartCard key={String(settings.data.syncOrdersCreatedAfter)} tenantId={tenantId} view={settings.data} />
      <SettingsForm tenantId={tenantId} view={settings.data} />
    </div>
  );
}

/** A winery in setup: the setup wizard sends its first orders; this points there. */
function SetupCard({ tenantId }: { tenantId: string }) {
  const href = useTenantHref();
  return (
    <Card title="Setup is not finished">
      <div className="flex flex-wrap items-center justify-between gap-3" data-testid="setup-banner">
        <p className="max-w-2xl text-sm text-slate-700">
          Orders from Shopify are stored and held: nothing is sent to vintrace yet. The setup connects vintrace, checks your products, previews the
          first orders and then starts sending them.
        </p>
        <LinkButton href={href("/setup", {}, tenantId)} variant="primary">
          Continue the setup
        </LinkButton>
      </div>
    </Card>
  );
}

function PauseCard({ tenantId, view }: { tenantId: string; view: View }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey({ tenantId }) });
  const pause = useMutation(trpc.settings.pause.mutationOptions({ onSuccess }));
  const resume = useMutation(trpc.settings.resume.mutationOptions({ onSuccess }));
  const paused = view.tenantStatus === "PAUSED";
  const error = pause.error ?? resume.error;
  return (
    <Card title="Syncing">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-700">
          <StatusBadge status={view.tenantStatus} />{" "}
          {paused
            ? "Paused: new orders are stored and held; nothing is sent to vintrace until you resume."
            : view.tenantStatus === "UNINSTALLED"
              ? "The app is uninstalled from the shop."
              : view.tenantStatus === "SETUP"
                ? "Orders are stored and held until setup is finished."
                : "Orders are sent to vintrace as they arrive."}
        </p>
        {view.tenantStatus !== "UNINSTALLED" &&
          view.tenantStatus !== "SETUP" &&
          (paused ? (
            <Button variant="primary" onClick={() => resume.mutate({ tenantId })} disabled={resume.isPending}>
              {resume.isPending ? "Resuming…" : "Resume syncing"}
            </Button>
          ) : (
            <Button variant="danger" onClick={() => pause.mutate({ tenantId })} disabled={pause.isPending}>
              {pause.isPending ? "Pausing…" : "Pause syncing"}
            </Button>
          ))}
      </div>
      {resume.data && resume.data.orders > 0 && <p className="mt-2 text-sm text-slate-600">{resume.data.orders} held orders were queued.</p>}
      {error && <Notice tone="error">{error.message}</Notice>}
    </Card>
  );
}

/** "Sync orders created after": its own small form, saved on its own (orders before it are never sent). */
function SyncStartCard({ tenantId, view }: { tenantId: string; view: View }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stored = new Date(view.syncOrdersCreatedAfter).toISOString().slice(0, 10);
  const [day, setDay] = useState(stored);
  const save = useMutation(
    trpc.settings.saveSyncStart.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey({ tenantId }) }),
    }),
  );
  const error = firstErrors(save.error?.data?.fieldErrors).startDate ?? (save.error ? save.error.message : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ tenantId, startDate: day });
  };
  return (
    <Card title="Which orders are sent">
      <form method="post" onSubmit={submit} noValidate aria-label="Sync start date" className="flex flex-wrap items-end gap-3">
        <div className="min-w-60">
          <Field id="syncStartDate" label="Sync orders created after" hint="Orders placed before this day (UTC) are never sent to vintrace." error={error}>
            <TextInput id="syncStartDate" type="date" value={day} onChange={(e) => setDay(e.target.value)} invalid={Boolean(error)} required />
          </Field>
        </div>
        <Button type="submit" disabled={save.isPending || day === stored}>
          {save.isPending ? "Saving…" : "Save start date"}
        </Button>
        {save.data && (
          <Notice tone="success" testId="sync-start-saved">
            {save.data.changed ? `Orders created after ${new Date(save.data.syncOrdersCreatedAfter).toISOString().slice(0, 10)} are sent.` : "Nothing changed."}
          </Notice>
        )}
      </form>
    </Card>
  );
}
