import { redirect } from "next/navigation";
import { Suspense } from "react";
import { OverviewPage } from "@/app/(dashboard)/overview-page";
import { viewerForPage } from "@/server/auth/pages";
import { setupLanding } from "@/server/setup/landing";

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The dashboard's home, reached without a winery named (signing in, accepting the invitation), opens the setup
  // wizard while the winery is being set up.
  const { winery } = await searchParams;
  const viewer = winery === undefined ? await viewerForPage() : null;
  const setup = viewer ? await setupLanding(viewer) : null;
  if (setup) redirect(setup);
  return (
    <Suspense>
      <OverviewPage />
    </Suspense>
  );
}
