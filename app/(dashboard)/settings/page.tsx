import { Suspense } from "react";
import { SettingsPage } from "@/components/settings";

export const metadata = { title: "Settings · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <SettingsPage />
    </Suspense>
  );
}
