import { Suspense } from "react";
import { SettingsPage } from "@/app/(dashboard)/settings/settings-page";

export const metadata = { title: "Settings · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <SettingsPage />
    </Suspense>
  );
}
