import { Suspense } from "react";
import { AlertsPage } from "@/app/(dashboard)/alerts/alerts-page";

export const metadata = { title: "Alerts · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <AlertsPage />
    </Suspense>
  );
}
