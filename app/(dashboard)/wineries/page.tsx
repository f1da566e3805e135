import { Suspense } from "react";
import { WineriesPage } from "@/app/(dashboard)/wineries/tenants-page";

export const metadata = { title: "Wineries · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <WineriesPage />
    </Suspense>
  );
}
