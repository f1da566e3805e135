import { Suspense } from "react";
import { WineriesPage } from "@/components/wineries";

export const metadata = { title: "Wineries · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <WineriesPage />
    </Suspense>
  );
}
