"use client";

// The number of "Changed after sending" entries waiting to be handled, beside the navigation's link: for the winery
// picked, or every winery the viewer sees. Nothing is shown when none waits.
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useTRPC } from "@/components/trpc";

export function OpenChangesCount() {
  const trpc = useTRPC();
  const winery = useSearchParams().get("winery");
  // New entries arrive from Shopify at any time: look again now and then.
  const count = useQuery({ ...trpc.changes.count.queryOptions({ tenantId: winery }), refetchInterval: 60_000 });
  const open = count.data?.open ?? 0;
  if (open === 0) return null;
  return (
    <span className="ml-1 inline-flex min-w-5 justify-center rounded-full bg-amber-100 px-1.5 text-xs font-medium text-amber-900" data-testid="open-changes-count">
      <span aria-hidden>{open}</span>
      <span className="sr-only">({open} open)</span>
    </span>
  );
}
