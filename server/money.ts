// Exact money. Amounts are bigint counts of a currency's minor unit (cents for AUD), parsed straight from the
// decimal strings Shopify sends and turned back into decimal strings, so no amount ever passes through binary
// floating point arithmetic. JSON numbers are produced from those strings: JSON.stringify writes the shortest
// decimal that round-trips, so Number("12.34") serialises as exactly 12.34.
import "server-only";

/** Currencies whose minor unit is not the cent (ISO 4217); every other currency has two decimals. */
const ZERO_DECIMAL_CURRENCIES = new Set(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL_CURRENCIES = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function minorDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}

export type DecimalParse = { ok: true; value: bigint } | { ok: false; message: string };

const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a plain decimal ("35.00", "0.5", "-2") into an integer scaled by 10^scale. Digits beyond `scale` are
 * accepted only when they are zeros ("35.000" is 35.00); anything else would silently lose money, so it is refused.
 * Numbers are accepted as their JavaScript string form, which is exact for the decimals JSON carries.
 */
export function parseScaled(input: string | number, scale: number): DecimalParse {
  const text = typeof input === "number" ? String(input) : input.trim();
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    return { ok: false, message: `'${text}' is not a decimal amount` };
  }
  const [, minus, whole, fraction = ""] = match;
  const kept = fraction.slice(0, scale);
  if (/[^0]/.test(fraction.slice(scale))) {
    return { ok: false, message: `'${text}' has more than ${scale} decimal place${scale === 1 ? "" : "s"}` };
  }
  const digits = `${whole || "0"}${kept.padEnd(scale, "0")}`;
  const magnitude = BigInt(digits);
  return { ok: true, value: minus ? -magnitude : magnitude };
}

/** A money amount in the currency's minor units, refusing more decimals than the currency has. */
export function parseMoney(input: string | number, currency: string): DecimalParse {
  return parseScaled(input, minorDigits(currency));
}

/** Formats a scaled integer with exactly `scale` decimals: (3500n, 2) → "35.00". */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}

/** Formats without trailing zeros: (3500n, 2) → "35", (3550n, 2) → "35.5". */
export function formatScaledTrimmed(value: bigint, scale: number): string {
  const fixed = formatScaled(value, scale);
  return scale > 0 ? fixed.replace(/\.?0+$/, "") : fixed;
}

/**
 * The JSON number for a scaled integer. Refuses values with more significant digits than a double keeps, since
 * their JSON text would no longer be the exact decimal.
 */
export function scaledToJsonNumber(value: bigint, scale: number): number {
  const text = formatScaledTrimmed(value, scale);
  const asNumber = Number(text);
  if (plainDecimal(String(asNumber)) !== text.replace(/^-0$/, "0")) {
    throw new RangeError(`${text} cannot be written as an exact JSON number`);
  }
  return asNumber;
}

/** JavaScript writes very small and very large numbers with an exponent ("1e-7"); this writes them out in full. */
function plainDecimal(numberText: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(numberText);
  if (!match) return numberText;
  const [, sign, lead, rest = "", exponentText] = match;
  const digits = lead + rest;
  const point = 1 + Number(exponentText);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Ceiling of a / b for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b > 0n ? quotient + 1n : quotient;
}

/** a / b rounded half away from zero, for b > 0 (the commercial rounding of receipts). */
export function roundDiv(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const magnitude = negative ? -a : a;
  const rounded = (2n * magnitude + b) / (2n * b);
  return negative ? -rounded : rounded;
}

/** An exact fraction, for tax rates such as Shopify's 0.06 or 0.1. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

/** Reads a decimal rate ("0.1", 0.06) as an exact fraction; null when it is not a plain decimal. */
export function parseRatio(input: string | number): Ratio | null {
  const text = typeof input === "number" ? String(input) : input.trim();
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) return null;
  const scale = (match[3] ?? "").length;
  const parsed = parseScaled(text, scale);
  return parsed.ok ? { num: parsed.value, den: 10n ** BigInt(scale) } : null;
}

/** Adds two exact fractions: the sum of a line's tax rates. */
export function addRatios(a: Ratio, b: Ratio): Ratio {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

/** amount × ratio rounded up to a whole minor unit, and whether it came out whole without rounding. */
export function ceilTimes(amount: bigint, { num, den }: Ratio): { value: bigint; exact: boolean } {
  const product = amount * num;
  return { value: ceilDiv(product, den), exact: product % den === 0n };
}

/** A decimal as an integer and its scale: { value: 1250n, scale: 2 } is 12.5. */
export interface ScaledDecimal {
  value: bigint;
  scale: number;
}

/** The integer that `decimal` is at a scale at least its own: ({ 125n, 1 }, 3) → 12500n. */
export function atScale({ value, scale }: ScaledDecimal, to: number): bigint {
  return value * 10n ** BigInt(to - scale);
}

/** Whether two decimals are the same number, whatever their scales ("59.9" and 59.900). */
export function sameDecimal(a: ScaledDecimal, b: ScaledDecimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return atScale(a, scale) === atScale(b, scale);
}

export function multiplyDecimals(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  return { value: a.value * b.value, scale: a.scale + b.scale };
}

/**
 * Reads any decimal text at its own scale: "24.90" is { 2490n, 2 }. Unlike parseScaled it also takes surrounding
 * spaces, a trailing point ("5.") and an exponent ("1.5e2", at most 100 either way); a leading point (".5") is refused.
 */
export function parseDecimal(text: string): ScaledDecimal | null {
  const match = /^\s*(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 100) return null;
  const value = BigInt(`${sign}${whole}${fraction}`);
  const scale = fraction.length - exponent;
  return scale >= 0 ? { value, scale } : { value: value * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * A JSON number as a decimal, kept to `places` decimals: six keep a per-unit price in fractions of a cent (1.665)
 * and drop binary noise (0.1 + 0.2). Null for NaN and the infinities.
 */
export function decimalFromNumber(value: number, places = 6): ScaledDecimal | null {
  return Number.isFinite(value) ? parseDecimal(value.toFixed(places)) : null;
}

/** `percent` % of an amount, rounded half away from zero to the amount's unit: 12.5 % of 1001 cents is 125 cents. */
export function percentOf(amount: bigint, percent: ScaledDecimal): bigint {
  return roundDiv(amount * percent.value, 100n * 10n ** BigInt(percent.scale));
}

/** The most decimals exactPercent writes; enough to hit any discount on a gross under a billion dollars. */
const MAX_PERCENT_SCALE = 12;

/**
 * The shortest percentage p such that percentOf(gross, p) is exactly `discount` (gross > 0). Percentages like 12.5
 * stay short; odd ones get the decimals they need, up to twelve.
 */
export function exactPercent(gross: bigint, discount: bigint): ScaledDecimal {
  for (let scale = 0; scale <= MAX_PERCENT_SCALE; scale++) {
    const percent = { value: roundDiv(discount * 100n * 10n ** BigInt(scale), gross), scale };
    if (percentOf(gross, percent) === discount) return percent;
  }
  return { value: roundDiv(discount * 100n * 10n ** BigInt(MAX_PERCENT_SCALE), gross), scale: MAX_PERCENT_SCALE };
}

/**
 * Σ amount × times over decimal strings, written with the longest fraction among them and at least `minScale`
 * decimals: [{ "35.00", 2 }, { "5.5", 1 }] → "75.50". Throws on a string that is not a plain decimal.
 */
export function sumDecimals(terms: readonly { amount: string; times: number }[], minScale = 2): string {
  const scale = Math.max(minScale, ...terms.map((t) => (t.amount.split(".")[1] ?? "").length));
  let total = 0n;
  for (const { amount, times } of terms) {
    const parsed = parseScaled(amount, scale);
    if (!parsed.ok) throw new RangeError(parsed.message);
    total += parsed.value * BigInt(times);
  }
  return formatScaled(total, scale);
}

/** Pads a decimal string to at least `digits` decimals, as text: ("35.0", 2) → "35.00", ("3.125", 2) → "3.125". */
export function padDecimals(amount: string, digits: number): string {
  const [whole, fraction = ""] = amount.split(".");
  return `${whole}.${fraction.padEnd(digits, "0")}`;
}

/** Whether an amount is written with nothing but zeros and points ("0.00", "0", and the empty string). */
export function writtenAsZero(amount: string): boolean {
  return /^[0.]*$/.test(amount);
}
