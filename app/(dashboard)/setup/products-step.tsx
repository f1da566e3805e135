"use client";

// Step 2: the product check and its fixes (the SKU map and the ignore rules), with the Products page's own parts.
// The owner may go on with mismatches left, told which orders will fail.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Button, Card, Notice } from "@/components/ui";
import { ProductMatching } from "../products/products-page";
import type { StepProps } from "./step-props";

export function ProductsStep({ tenantId, canChange, onDone }: StepProps) {
  const trpc = useTRPC();
  const latest = useQuery(trpc.products.latest.queryOptions({ tenantId }));
  const complete = useMutation(trpc.setup.completeProducts.mutationOptions({ onSuccess: onDone }));
  const summary = latest.data?.last?.status === "DONE" ? latest.data.last.summary : null;
  const failing = (summary?.missingInVintrace ?? 0) + (summary?.noSku ?? 0);
  return (
    <div className="space-y-5">
      <ProductMatching tenantId={tenantId} />
      <Card title="Continue">
        {!latest.data?.last ? (
          <p className="text-sm text-slate-600">Run the check above: it compares your Shopify products with vintrace&apos;s stock items.</p>
        ) : latest.data.last.status === "FAILED" ? (
          <Notice tone="warning">The check could not finish (its reason is above). Run it again, or go on and run it later from the Products page.</Notice>
        ) : failing > 0 ? (
          <Notice tone="warning" testId="products-left">
            {summary?.missingInVintrace ?? 0} {summary?.missingInVintrace === 1 ? "product has a SKU" : "products have SKUs"} vintrace does not know, and{" "}
            {summary?.noSku ?? 0} {summary?.noSku === 1 ? "has" : "have"} no SKU. Orders with them will fail until you map or ignore them above (or add
            them in vintrace); you can do that later on the Products page, and saving the fix retries those orders.
          </Notice>
        ) : (
          <p className="text-sm text-slate-600">Every product matches, or is ignored.</p>
        )}
        <div className="mt-3">
          <Button variant="primary" onClick={() => complete.mutate({ tenantId })} disabled={!canChange || !latest.data?.last || complete.isPending}>
            {failing > 0 ? "Continue with these left" : "Continue"}
          </Button>
        </div>
        {complete.error && <Notice tone="error">{complete.error.message}</Notice>}
      </Card>
    </div>
  );
}
