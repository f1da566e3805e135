import { Suspense } from "react";
import { OrderDetailPage } from "@/app/(dashboard)/orders/[id]/order-page";

export const metadata = { title: "Order · vintrace-sync" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <OrderDetailPage orderSyncId={id} />
    </Suspense>
  );
}
