import { Suspense } from "react";
import { RetryPage } from "@/app/(dashboard)/retry/retry-page";

export const metadata = { title: "Retry orders · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <RetryPage />
    </Suspense>
  );
}
