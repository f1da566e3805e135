"use client";

// The one-click fix when vintrace reports another tax policy than Settings: Settings and Overview both offer it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui";

export type TaxPolicy = "INCLUSIVE" | "EXCLUSIVE";

export const TAX_POLICY_WORDS: Record<TaxPolicy, string> = { INCLUSIVE: "prices include tax", EXCLUSIVE: "prices exclude tax" };

export function TaxPolicySwitch({ tenantId, vintrace, onSwitched }: { tenantId: string; vintrace?: TaxPolicy; onSwitched?: (policy: TaxPolicy) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const change = useMutation(
    trpc.settings.useVintraceTaxPolicy.mutationOptions({
      onSuccess: (result) => {
        if (result.taxPolicy) onSwitched?.(result.taxPolicy);
        void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey({ tenantId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.overview.get.queryKey() });
      },
    }),
  );
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button variant="primary" onClick={() => change.mutate({ tenantId })} disabled={change.isPending} data-testid="use-vintrace-tax-policy">
        {change.isPending ? "Switching…" : vintrace ? `Use vintrace's: ${TAX_POLICY_WORDS[vintrace]}` : "Use vintrace's tax policy"}
      </Button>
      {change.isError && (
        <span role="alert" className="text-xs text-red-800">
          {change.error.message}
        </span>
      )}
    </span>
  );
}
