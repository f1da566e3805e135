import { Suspense } from "react";
import { ProductsPage } from "@/app/(dashboard)/products/products-page";

export const metadata = { title: "Products · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <ProductsPage />
    </Suspense>
  );
}
