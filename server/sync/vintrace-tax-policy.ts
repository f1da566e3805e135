// What vintrace's replies say about tax. A sales order's priceDetails.taxPolicy is vintrace's own word on whether its
// price list includes tax. A winery that never chose a tax policy (taxPolicySetAt null) takes it from the first
// reply that names one, once; a policy somebody set is never overridden, and a later reply that disagrees is only
// remembered, so Overview and Settings can warn and offer the switch. This lives beside the worker because the sync
// core imports no feature; it writes VintraceSettings only, never a sync record.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { VintraceSettings } from "@/server/generated/prisma/client";
import { taxPolicyOf, type SalesOrder } from "@/server/vintrace";

export type NotedTaxPolicy = "adopted" | "recorded" | "unchanged" | "none";

export type StoredTaxPolicy = Pick<VintraceSettings, "taxPolicy" | "taxPolicySetAt" | "vintraceTaxPolicy">;

/**
 * `known` is what the caller read with the rest of the winery's settings before the order was sent (the worker reads
 * them anyway), which spares a query per order; without it they are read here.
 */
export async function noteVintraceTaxPolicy(db: Db, tenantId: string, reply: SalesOrder, now: Date, known?: StoredTaxPolicy): Promise<NotedTaxPolicy> {
  const policy = taxPolicyOf(reply);
  if (!policy) return "none";
  const stored =
    known ??
    (await db.vintraceSettings.findUnique({
      where: { tenantId },
      select: { taxPolicy: true, taxPolicySetAt: true, vintraceTaxPolicy: true },
    }));
  if (!stored) return "none";
  if (stored.taxPolicySetAt === null) {
    const adopted = await db.$transaction(async (tx) => {
      // Guarded by taxPolicySetAt: a person saving the policy meanwhile, or another worker adopting it, wins.
      const { count } = await tx.vintraceSettings.updateMany({
        where: { tenantId, taxPolicySetAt: null },
        data: { taxPolicy: policy, taxPolicySetAt: now, vintraceTaxPolicy: policy, vintraceTaxPolicyAt: now },
      });
      // Audited when it changes how orders are priced; vintrace confirming the default changes nothing.
      if (count === 1 && stored.taxPolicy !== policy) {
        await recordAudit(tx, {
          action: "settings.tax_policy_from_vintrace",
          tenantId,
          details: { changes: [{ field: "taxPolicy", from: stored.taxPolicy, to: policy }], salesOrder: reply.code ?? String(reply.id) },
          at: now,
        });
      }
      return count === 1;
    });
    if (adopted) return "adopted";
  }
  if (stored.vintraceTaxPolicy === policy) return "unchanged";
  // Raw, so that what vintrace reported does not count as someone saving the settings (updatedAt stays).
  await db.$executeRaw`
    UPDATE "VintraceSettings" SET "vintraceTaxPolicy" = ${policy}::"TaxPolicy", "vintraceTaxPolicyAt" = ${now}
    WHERE "tenantId" = ${tenantId}`;
  return "recorded";
}
