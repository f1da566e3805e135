import { Suspense } from "react";
import { AuditPage } from "@/app/(dashboard)/audit/audit-page";

export const metadata = { title: "Audit log · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <AuditPage />
    </Suspense>
  );
}
