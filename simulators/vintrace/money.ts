// The simulator's own exact arithmetic (independent of the app's server/money.ts, so a bug there cannot hide a
// bug here): amounts in micro-units (10^-6) from JSON numbers, totals in cents.

const MICRO_DECIMALS = 6;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A JSON number as micro-units, or null when it is not a plain decimal with at most 6 places. */
export function toMicros(value: number): bigint | null {
  const match = DECIMAL.exec(String(value));
  if (!match) return null;
  const [, minus, whole, fraction = ""] = match;
  if (fraction.length > MICRO_DECIMALS) return null;
  const micros = BigInt(whole + fraction.padEnd(MICRO_DECIMALS, "0"));
  return minus ? -micros : micros;
}

/** a / b rounded half away from zero (b > 0). */
export function roundDiv(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const rounded = (2n * (negative ? -a : a) + b) / (2n * b);
  return negative ? -rounded : rounded;
}

export const microsToCents = (micros: bigint) => roundDiv(micros, 10_000n);

/** Cents as the JSON number vintrace would show: 3550n → 35.5. */
export function centsToNumber(cents: bigint): number {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  return Number(`${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`);
}
