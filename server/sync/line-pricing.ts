// Exact pricing of one sales-order line, in integer minor units.
//
// The invariant: the line's net amount in vintrace, quantity × unitPrice − discount, equals Shopify's net amount
// for the line (quantity × price − discount allocations) to the cent, converted to the price list's tax policy.
//
// Two things can make an exact unit price impossible: a SKU map multiplier (a 6-pack at 100.00 is 16.666… per
// bottle) and a tax conversion (35.00 ex GST is 38.50 inc, but 0.99 ex is 1.089 inc). We then round the unit price
// UP to the cent and take the difference off as part of the line's discount, so the line total, which is what the
// winery is paid, stays exact. We prefer that to sending unit prices with more decimals: vintrace's rounding of
// such prices is unknown, and a total that is off by a cent is worse than a discount that is a cent larger. The
// caller reports it as a warning.
//
// Tax conversion rule, used only when Shopify's `taxes_included` differs from the price list's policy:
//   target net = Shopify net + the line's tax (exclusive → inclusive), or − the line's tax (inclusive → exclusive),
// using the tax Shopify charged on the line (its tax_lines), so the converted totals are Shopify's own numbers.
// The unit price is the Shopify price grossed up (or netted down) by the sum of the line's tax rates, rounded up.
import "server-only";
import { ceilDiv, ceilTimes, exactPercent, percentOf, type Ratio, type ScaledDecimal } from "@/server/money";

export interface LinePricingInput {
  quantity: number;
  /** Shopify's unit price, minor units */
  unitPrice: bigint;
  /** the sum of the line's discount allocations, minor units */
  discount: bigint;
  /** the sum of the line's tax_lines prices, minor units */
  tax: bigint;
  /** the sum of the line's tax rates */
  taxRate: Ratio;
  shopifyPricesIncludeTax: boolean;
  priceListIncludesTax: boolean;
  /** vintrace units per Shopify unit (SKU map) */
  multiplier: number;
  discountMode: "ADJUSTMENT" | "PERCENT";
}

export interface PricedLine {
  quantity: number;
  unitPrice: bigint;
  /** quantity × unitPrice − the discount vintrace will apply: equals the target net */
  net: bigint;
  /** the dollar discount, in ADJUSTMENT mode (0n when none) */
  adjustment: bigint;
  /** the percentage discount, in PERCENT mode (null when none): { 1250n, 2 } is 12.5 % */
  discountPct: ScaledDecimal | null;
  /** the unit price had to be rounded up, so the discount includes the rounding */
  rounded: boolean;
}

export type LinePricing = { ok: true; line: PricedLine } | { ok: false; reason: string };

export function priceLine(input: LinePricingInput): LinePricing {
  const shopifyNet = BigInt(input.quantity) * input.unitPrice - input.discount;
  if (shopifyNet < 0n) return { ok: false, reason: "its discounts are larger than its price" };

  let targetNet = shopifyNet;
  let unitBeforeSplit = input.unitPrice;
  let rounded = false;
  const { num, den } = input.taxRate;
  if (input.shopifyPricesIncludeTax !== input.priceListIncludesTax) {
    targetNet = input.priceListIncludesTax ? shopifyNet + input.tax : shopifyNet - input.tax;
    // × (1 + rate) grosses the price up to include the tax, ÷ (1 + rate) nets it down
    const converted = ceilTimes(input.unitPrice, input.priceListIncludesTax ? { num: den + num, den } : { num: den, den: den + num });
    unitBeforeSplit = converted.value;
    rounded = !converted.exact;
    if (targetNet < 0n) return { ok: false, reason: "its tax is larger than its price" };
  }

  const multiplier = BigInt(input.multiplier);
  const quantity = BigInt(input.quantity) * multiplier;
  const split = ceilTimes(unitBeforeSplit, { num: 1n, den: multiplier });
  let unitPrice = split.value;
  if (!split.exact) rounded = true;
  // A unit price that rounds down (tax rates that do not add up to the tax charged) would leave a negative
  // discount; raise it to the smallest price that covers the line.
  const covering = ceilDiv(targetNet, quantity);
  if (covering > unitPrice) {
    unitPrice = covering;
    rounded = true;
  }

  const discount = quantity * unitPrice - targetNet;
  const line: PricedLine = { quantity: Number(quantity), unitPrice, net: targetNet, adjustment: 0n, discountPct: null, rounded };
  if (discount === 0n) return { ok: true, line };
  if (input.discountMode === "ADJUSTMENT") return { ok: true, line: { ...line, adjustment: discount } };
  return { ok: true, line: { ...line, discountPct: exactPercent(quantity * unitPrice, discount) } };
}

/** What vintrace will charge for a line we priced: the net the property tests compare against Shopify's. */
export function vintraceLineNet(quantity: bigint, unitPrice: bigint, line: Pick<PricedLine, "adjustment" | "discountPct">): bigint {
  const gross = quantity * unitPrice;
  return gross - (line.discountPct ? percentOf(gross, line.discountPct) : line.adjustment);
}
