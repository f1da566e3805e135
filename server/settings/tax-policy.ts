// The tax policy against vintrace's own word on it. Every sales order vintrace returns says whether its price list
// includes tax (recorded by the worker, server/sync/vintrace-tax-policy.ts); when that disagrees with the policy in
// Settings, prices may be off by the tax, so Overview and Settings warn and offer a one-click switch.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { TaxPolicy } from "@/server/generated/prisma/client";
import { retryAfterSettingsChange } from "@/server/orders/fix-retry";

export interface TaxPolicyMismatch {
  /** the policy in Settings */
  settings: TaxPolicy;
  /** what vintrace's replies report */
  vintrace: TaxPolicy;
  reportedAt: Date | null;
}

type TaxFields = { taxPolicy: TaxPolicy; vintraceTaxPolicy: TaxPolicy | null; vintraceTaxPolicyAt: Date | null };

/** The disagreement between Settings and vintrace's last reply, or null when they agree (or vintrace said nothing). */
export function taxPolicyMismatch(settings: TaxFields | null | undefined): TaxPolicyMismatch | null {
  if (!settings?.vintraceTaxPolicy || settings.vintraceTaxPolicy === settings.taxPolicy) return null;
  return { settings: settings.taxPolicy, vintrace: settings.vintraceTaxPolicy, reportedAt: settings.vintraceTaxPolicyAt };
}

const words = (policy: TaxPolicy) => (policy === "INCLUSIVE" ? "include tax" : "exclude tax");

/** The warning's sentence, the same on Overview and Settings. */
export function taxPolicyMismatchMessage(mismatch: TaxPolicyMismatch): string {
  return `vintrace says its price list's prices ${words(mismatch.vintrace)}, but Settings say they ${words(mismatch.settings)}: orders may be sent with prices off by the tax.`;
}

export type SwitchTaxPolicyResult = { switched: true; taxPolicy: TaxPolicy; requeued: number } | { switched: false; taxPolicy: TaxPolicy | null };

/**
 * Sets the tax policy to what vintrace reports (the one-click fix), as a choice someone made (taxPolicySetAt), audited;
 * then re-queues the failures a settings change may fix. Nothing changes when they already agree.
 */
export async function switchTaxPolicyToVintrace(db: Db, tenantId: string, actor: { id?: string | null; email: string }): Promise<SwitchTaxPolicyResult> {
  const result = await db.$transaction(async (tx) => {
    const stored = await tx.vintraceSettings.findUnique({ where: { tenantId }, select: { taxPolicy: true, vintraceTaxPolicy: true, vintraceTaxPolicyAt: true } });
    const mismatch = taxPolicyMismatch(stored);
    if (!mismatch) return { switched: false as const, taxPolicy: stored?.taxPolicy ?? null };
    await tx.vintraceSettings.update({ where: { tenantId }, data: { taxPolicy: mismatch.vintrace, taxPolicySetAt: new Date() } });
    await recordAudit(tx, {
      action: "settings.tax_policy_switched",
      actor,
      tenantId,
      details: { changes: [{ field: "taxPolicy", from: mismatch.settings, to: mismatch.vintrace }] },
    });
    return { switched: true as const, taxPolicy: mismatch.vintrace };
  });
  if (!result.switched) return result;
  return { ...result, requeued: await retryAfterSettingsChange(db, tenantId) };
}
