import { Suspense } from "react";
import { OrdersPage } from "@/app/(dashboard)/orders/orders-page";

export const metadata = { title: "Orders · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <OrdersPage />
    </Suspense>
  );
}
