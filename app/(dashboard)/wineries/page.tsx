import { Suspense } from "react";
import { TenantsPage } from "@/app/(dashboard)/wineries/tenants-page";

export const metadata = { title: "Wineries · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <TenantsPage />
    </Suspense>
  );
}
