import { Suspense } from "react";
import { AuditPage } from "@/components/audit";

export const metadata = { title: "Audit log · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <AuditPage />
    </Suspense>
  );
}
