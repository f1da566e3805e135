import { Suspense } from "react";
import { SetupPage } from "@/app/(dashboard)/setup/setup-page";

export const metadata = { title: "Set up · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <SetupPage />
    </Suspense>
  );
}
