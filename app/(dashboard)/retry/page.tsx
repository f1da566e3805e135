import { Suspense } from "react";
import { RetryPage } from "@/components/retry";

export const metadata = { title: "Retry orders · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <RetryPage />
    </Suspense>
  );
}
