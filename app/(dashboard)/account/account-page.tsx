"use client";

// The Account page: each user decides for themselves which alert mail they get, and manages their password and sessions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ChangePasswordCard, SessionsCard } from "@/app/(dashboard)/account/account-security";
import { useTRPC } from "@/components/trpc";
import { Card, ErrorState, Loading, Notice, PageHeader } from "@/components/ui";

export function AccountPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.alerts.myOptIns.queryOptions());
  // A box shows its new state at once, and keeps it until the saved state is back (or the change failed).
  const [changing, setChanging] = useState<Record<string, boolean>>({});
  const settle = (key: string) => async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alerts.myOptIns.queryKey() });
    setChanging(({ [key]: _done, ...rest }) => rest);
  };
  const setOptIn = useMutation(trpc.alerts.setOptIn.mutationOptions());
  const setSupport = useMutation(trpc.alerts.setSupportOptIn.mutationOptions());

  if (mine.isPending) return <Loading label="Loading your account…" />;
  if (mine.isError) return <ErrorState title="Could not load your account" error={mine.error} onRetry={() => void mine.refetch()} />;
  const { email, tenants, supportDigest } = mine.data;
  const error = setOptIn.error ?? setSupport.error;
  return (
    <div className="space-y-5">
      <PageHeader title="Your account" description={email} />
      <Card title="Alert mail">
        <p className="mb-3 text-sm text-slate-600">
          Choose which failure alerts are mailed to you: an alert at once when something breaks, a digest every 15 minutes while orders fail, and a
          warning when orders wait too long.
        </p>
        {tenants.length === 0 && supportDigest === null && <p className="text-sm text-slate-500">You do not belong to a winery yet.</p>}
        <ul className="space-y-2">
          {tenants.map((w) => (
            <li key={w.tenantId}>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                  checked={changing[w.tenantId] ?? w.alertEmails}
                  disabled={w.tenantId in changing}
                  onChange={(e) => {
                    setChanging((c) => ({ ...c, [w.tenantId]: e.target.checked }));
                    setOptIn.mutate({ tenantId: w.tenantId, enabled: e.target.checked }, { onSettled: settle(w.tenantId) });
                  }}
                />
                Email me {w.name}&apos;s failure alerts
              </label>
            </li>
          ))}
          {supportDigest !== null && (
            <li>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                  checked={changing.support ?? supportDigest}
                  disabled={"support" in changing}
                  onChange={(e) => {
                    setChanging((c) => ({ ...c, support: e.target.checked }));
                    setSupport.mutate({ enabled: e.target.checked }, { onSettled: settle("support") });
                  }}
                />
                Email me the support team&apos;s cross-winery digest
              </label>
            </li>
          )}
        </ul>
        {error && <div className="mt-3"><Notice tone="error">{error.message}</Notice></div>}
      </Card>
      <ChangePasswordCard />
      <SessionsCard />
    </div>
  );
}
