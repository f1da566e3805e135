import { Suspense } from "react";
import { OrdersPage } from "@/components/orders";

export const metadata = { title: "Orders · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <OrdersPage />
    </Suspense>
  );
}
