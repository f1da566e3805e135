// What vintrace's reply to a created order tells us about the winery's settings. vintrace computes its own tax and
// rounding, so differences are warnings on the order's page, never errors. The reply's priceDetails.taxPolicy is also
// the only way to learn the price list's tax policy, to pre-fill Settings.
import "server-only";
import { minorDigits, parseScaled, roundDiv, formatScaled } from "@/server/money";
import type { SalesOrderBody } from "./sales-order-body";
import type { SalesOrder } from "./schemas";

export type TaxPolicy = "INCLUSIVE" | "EXCLUSIVE";

export interface CreatedOrderCheck {
  /** the price list's tax policy as vintrace reports it, or null when the reply does not say */
  taxPolicy: TaxPolicy | null;
  warnings: string[];
}

/** Enough decimals for any amount vintrace sends back. */
const SCALE = 6;

export function taxPolicyOf(order: SalesOrder): TaxPolicy | null {
  const policy = order.priceDetails?.taxPolicy?.toLowerCase() ?? "";
  if (policy.includes("inclusive")) return "INCLUSIVE";
  if (policy.includes("exclusive")) return "EXCLUSIVE";
  return null;
}

export function checkCreatedOrder(sent: SalesOrderBody, created: SalesOrder, settings: { taxPolicy: TaxPolicy; currency: string }): CreatedOrderCheck {
  const warnings: string[] = [];
  const taxPolicy = taxPolicyOf(created);
  if (taxPolicy && taxPolicy !== settings.taxPolicy) {
    warnings.push(
      `vintrace's price list is tax-${taxPolicy.toLowerCase()}, but Settings say tax-${settings.taxPolicy.toLowerCase()}, so prices may be off by the tax. Change the tax policy in Settings.`,
    );
  }
  if (sent.salesPriceListName && created.salesPriceListName && sent.salesPriceListName !== created.salesPriceListName) {
    warnings.push(`vintrace recorded the order on price list '${created.salesPriceListName}', not '${sent.salesPriceListName}'. Check the price list in Settings.`);
  }

  const digits = minorDigits(settings.currency);
  const unit = 10n ** BigInt(SCALE - digits);
  const scaled = (value: number | undefined | null) => {
    const parsed = value === undefined || value === null ? null : parseScaled(value, SCALE);
    return parsed?.ok ? parsed.value : null;
  };
  let sentTotal = 0n;
  for (const line of sent.salesOrderItems) {
    const gross = roundDiv(BigInt(line.quantity) * (scaled(line.unitPrice) ?? 0n), unit);
    const discount =
      line.discountPct !== undefined ? roundDiv(gross * (scaled(line.discountPct) ?? 0n), 100n * 10n ** BigInt(SCALE)) : roundDiv(scaled(line.adjustment) ?? 0n, unit);
    sentTotal += gross - discount;
  }
  const vintraceAmount = scaled((taxPolicy ?? settings.taxPolicy) === "INCLUSIVE" ? created.total : created.subTotal);
  if (vintraceAmount !== null) {
    const vintraceTotal = roundDiv(vintraceAmount, unit);
    if (vintraceTotal !== sentTotal) {
      warnings.push(
        `vintrace's total for this order is ${formatScaled(vintraceTotal, digits)}, but the lines we sent add up to ${formatScaled(sentTotal, digits)}; vintrace applies its own tax and rounding.`,
      );
    }
  }
  return { taxPolicy, warnings };
}
