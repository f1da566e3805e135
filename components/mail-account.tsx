"use client";

// The Account page: each user decides for themselves which alert mail they get.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Card, ErrorState, Loading, Notice, PageHeader } from "@/components/ui";

export function AccountPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.alerts.myOptIns.queryOptions());
  // Returned, so the mutation stays pending until the refreshed opt-ins are in (the box never flickers back).
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.myOptIns.queryKey() });
  const setOptIn = useMutation(trpc.alerts.setOptIn.mutationOptions({ onSuccess: refresh }));
  const setSupport = useMutation(trpc.alerts.setSupportOptIn.mutationOptions({ onSuccess: refresh }));

  if (mine.isPending) return <Loading label="Loading your account…" />;
  if (mine.isError) return <ErrorState title="Could not load your account" error={mine.error} onRetry={() => void mine.refetch()} />;
  const { email, wineries, supportDigest } = mine.data;
  const error = setOptIn.error ?? setSupport.error;
  return (
    <div className="space-y-5">
      <PageHeader title="Your account" description={email} />
      <Card title="Alert mail">
        <p className="mb-3 text-sm text-slate-600">
          Choose which failure alerts are mailed to you: an alert at once when something breaks, a digest every 15 minutes while orders fail, and a
          warning when orders wait too long.
        </p>
        {wineries.length === 0 && supportDigest === null && <p className="text-sm text-slate-500">You do not belong to a winery yet.</p>}
        <ul className="space-y-2">
          {wineries.map((w) => (
            <li key={w.tenantId}>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                  checked={setOptIn.isPending && setOptIn.variables?.tenantId === w.tenantId ? setOptIn.variables.enabled : w.alertEmails}
                  disabled={setOptIn.isPending}
                  onChange={(e) => setOptIn.mutate({ tenantId: w.tenantId, enabled: e.target.checked })}
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
                  checked={setSupport.isPending ? setSupport.variables.enabled : supportDigest}
                  disabled={setSupport.isPending}
                  onChange={(e) => setSupport.mutate({ enabled: e.target.checked })}
                />
                Email me the support team&apos;s cross-winery digest
              </label>
            </li>
          )}
        </ul>
        {error && <div className="mt-3"><Notice tone="error">{error.message}</Notice></div>}
      </Card>
      <Card title="Password">
        <p className="text-sm text-slate-600">
          To change your password, <a href="/forgot-password" className="text-indigo-700 hover:underline">ask for a reset link</a>; it signs you out
          everywhere else.
        </p>
      </Card>
    </div>
  );
}
