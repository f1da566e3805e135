import { Suspense } from "react";
import { ChangesPage } from "@/app/(dashboard)/changes/changes-page";

export const metadata = { title: "Changed after sending · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <ChangesPage />
    </Suspense>
  );
}
