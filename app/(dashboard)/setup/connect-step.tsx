"use client";

// Step 1: the vintrace connection, with the Settings page's own form (address, API key, customer, price list,
// storage area, "Test connection" and its suggestions). The step is done once vintrace accepts the saved settings.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Button, Card, ErrorState, Loading, Notice } from "@/components/ui";
import { SettingsForm, VerificationResult } from "../settings/settings-form";
import type { StepProps } from "./step-props";

export function ConnectStep({ tenantId, canChange, onDone }: StepProps) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({ tenantId }));
  const complete = useMutation(trpc.setup.completeConnect.mutationOptions({ onSuccess: (result) => result.ok && onDone() }));
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError) return <ErrorState title="Could not load the settings" error={settings.error} onRetry={() => void settings.refetch()} />;
  const refused = complete.data && !complete.data.ok ? complete.data : null;
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        Where your orders go in vintrace: your vintrace address, an API key, and the customer and sales price list web orders are recorded against. Save
        them, test them if you like, then continue: vintrace is asked whether it accepts the saved settings.
      </p>
      <SettingsForm tenantId={tenantId} view={settings.data} sections={["connection"]} />
      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="primary" onClick={() => complete.mutate({ tenantId })} disabled={!canChange || !settings.data.configured || complete.isPending}>
            {complete.isPending ? "Testing vintrace…" : "Continue"}
          </Button>
          {!settings.data.configured && <span className="text-sm text-slate-500">Save the connection first.</span>}
        </div>
        {complete.error && <Notice tone="error">{complete.error.message}</Notice>}
        {refused && (
          <div className="mt-3" data-testid="connect-refused">
            <Notice tone="error">{refused.problem}</Notice>
            {refused.verification && <VerificationResult verification={refused.verification} onUseCustomer={null} />}
          </div>
        )}
      </Card>
    </div>
  );
}
