import { Suspense } from "react";
import { ProductsPage } from "@/components/products";

export const metadata = { title: "Products · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <ProductsPage />
    </Suspense>
  );
}
