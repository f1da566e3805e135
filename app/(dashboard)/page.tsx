import { Suspense } from "react";
import { OverviewPage } from "@/app/(dashboard)/overview-page";

export default function Page() {
  return (
    <Suspense>
      <OverviewPage />
    </Suspense>
  );
}
