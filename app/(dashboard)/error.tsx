"use client";

import { ErrorState } from "@/components/ui";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState title="This page could not be shown" error={{ message: error.digest ? `Error reference ${error.digest}.` : error.message }} onRetry={reset} />;
}
