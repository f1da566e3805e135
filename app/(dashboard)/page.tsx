import { Suspense } from "react";
import { OverviewPage } from "@/components/overview";

export default function Page() {
  return (
    <Suspense>
      <OverviewPage />
    </Suspense>
  );
}
