import { Suspense } from "react";
import { AlertsPage } from "@/components/mail-alerts";

export const metadata = { title: "Alerts · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <AlertsPage />
    </Suspense>
  );
}
