import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addRatios,
  ceilDiv,
  ceilTimes,
  decimalFromNumber,
  exactPercent,
  formatScaled,
  formatScaledTrimmed,
  minorDigits,
  multiplyDecimals,
  padDecimals,
  parseDecimal,
  parseMoney,
  parseRatio,
  parseScaled,
  percentOf,
  roundDiv,
  sameDecimal,
  scaledToJsonNumber,
  sumDecimals,
  writtenAsZero,
} from "./money";

describe("parseMoney", () => {
  it("reads Shopify's decimal strings into cents", () => {
    expect(parseMoney("35.00", "AUD")).toEqual({ ok: true, value: 3500n });
    expect(parseMoney("0.5", "AUD")).toEqual({ ok: true, value: 50n });
    expect(parseMoney("12", "AUD")).toEqual({ ok: true, value: 1200n });
    expect(parseMoney("-2.05", "AUD")).toEqual({ ok: true, value: -205n });
    expect(parseMoney(".5", "AUD")).toEqual({ ok: true, value: 50n });
  });

  it("refuses more decimals than the currency has, but accepts trailing zeros", () => {
    const refused = parseMoney("1234.567", "AUD");
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("more than 2 decimal places");
    expect(parseMoney("35.000", "AUD")).toEqual({ ok: true, value: 3500n });
    expect(parseMoney("1234.567", "KWD")).toEqual({ ok: true, value: 1234567n });
    expect(parseMoney("1500", "JPY")).toEqual({ ok: true, value: 1500n });
    expect(parseMoney("1500.5", "JPY").ok).toBe(false);
  });

  it("refuses things that are not plain decimals", () => {
    for (const bad of ["", "abc", "1,000.00", "1e3", "$5", ".", "-", "1.2.3"]) {
      expect(parseMoney(bad, "AUD").ok, bad).toBe(false);
    }
  });

  it("keeps amounts far beyond a double's integer range exact", () => {
    expect(parseMoney("123456789012345678.99", "AUD")).toEqual({ ok: true, value: 12345678901234567899n });
  });
});

describe("formatting", () => {
  it("writes fixed and trimmed decimals", () => {
    expect(formatScaled(3500n, 2)).toBe("35.00");
    expect(formatScaled(5n, 2)).toBe("0.05");
    expect(formatScaled(-5n, 2)).toBe("-0.05");
    expect(formatScaled(1500n, 0)).toBe("1500");
    expect(formatScaledTrimmed(3500n, 2)).toBe("35");
    expect(formatScaledTrimmed(3550n, 2)).toBe("35.5");
    expect(formatScaledTrimmed(1234n, 2)).toBe("12.34");
  });

  it("gives JSON numbers whose text is the exact decimal", () => {
    expect(JSON.stringify({ a: scaledToJsonNumber(3500n, 2), b: scaledToJsonNumber(3550n, 2), c: scaledToJsonNumber(1234n, 2) })).toBe(
      '{"a":35,"b":35.5,"c":12.34}',
    );
    expect(() => scaledToJsonNumber(12345678901234567899n, 2)).toThrow(RangeError);
    expect(scaledToJsonNumber(1n, 9)).toBe(1e-9);
  });

  it("round-trips every cent amount through string and JSON", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (cents) => {
        const text = formatScaled(cents, 2);
        expect(parseMoney(text, "AUD")).toEqual({ ok: true, value: cents });
        const json = JSON.stringify(scaledToJsonNumber(cents, 2));
        expect(parseMoney(json, "AUD")).toEqual({ ok: true, value: cents });
      }),
    );
  });
});

describe("integer helpers", () => {
  it("divides with ceiling and with half-away-from-zero rounding", () => {
    expect(ceilDiv(10n, 3n)).toBe(4n);
    expect(ceilDiv(9n, 3n)).toBe(3n);
    expect(ceilDiv(0n, 3n)).toBe(0n);
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(4n, 3n)).toBe(1n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
  });

  it("reads tax rates as exact fractions", () => {
    expect(parseRatio(0.1)).toEqual({ num: 1n, den: 10n });
    expect(parseRatio("0.06")).toEqual({ num: 6n, den: 100n });
    expect(parseRatio(0)).toEqual({ num: 0n, den: 1n });
    expect(parseRatio("ten")).toBeNull();
  });

  it("knows the minor units of common currencies", () => {
    expect(minorDigits("AUD")).toBe(2);
    expect(minorDigits("jpy")).toBe(0);
    expect(minorDigits("KWD")).toBe(3);
    expect(parseScaled("1.5", 4)).toEqual({ ok: true, value: 15000n });
  });
});

describe("fractions", () => {
  it("adds tax rates exactly", () => {
    expect(addRatios({ num: 1n, den: 10n }, { num: 6n, den: 100n })).toEqual({ num: 160n, den: 1000n });
    expect(addRatios({ num: 0n, den: 1n }, { num: 1n, den: 10n })).toEqual({ num: 1n, den: 10n });
  });

  it("multiplies by a fraction rounding up, and says when that was exact", () => {
    // 35.00 ex GST is 38.50 inc; 0.99 ex is 1.089 inc, so 1.09
    expect(ceilTimes(3500n, { num: 11n, den: 10n })).toEqual({ value: 3850n, exact: true });
    expect(ceilTimes(99n, { num: 11n, den: 10n })).toEqual({ value: 109n, exact: false });
    // a 6-pack at 100.00 is 16.67 a bottle
    expect(ceilTimes(10000n, { num: 1n, den: 6n })).toEqual({ value: 1667n, exact: false });
    expect(ceilTimes(-10n, { num: 1n, den: 3n })).toEqual({ value: -3n, exact: false });
  });
});

describe("decimals at their own scale", () => {
  it("reads prices with spaces, a trailing point or an exponent, and refuses what is not a number", () => {
    expect(parseDecimal("24.90")).toEqual({ value: 2490n, scale: 2 });
    expect(parseDecimal(" 5. ")).toEqual({ value: 5n, scale: 0 });
    expect(parseDecimal("-1.5e2")).toEqual({ value: -150n, scale: 0 });
    expect(parseDecimal("15e-3")).toEqual({ value: 15n, scale: 3 });
    for (const bad of ["", ".5", "1,5", "abc", "1e101", "1e"]) expect(parseDecimal(bad), bad).toBeNull();
  });

  it("reads JSON numbers to six places, dropping binary noise", () => {
    expect(decimalFromNumber(1.665)).toEqual({ value: 1665000n, scale: 6 });
    expect(sameDecimal(decimalFromNumber(0.1 + 0.2)!, parseDecimal("0.3")!)).toBe(true);
    expect(decimalFromNumber(Number.NaN)).toBeNull();
    expect(decimalFromNumber(Infinity)).toBeNull();
  });

  it("compares and multiplies across scales", () => {
    expect(sameDecimal(parseDecimal("59.9")!, { value: 59900n, scale: 3 })).toBe(true);
    expect(sameDecimal(parseDecimal("59.9")!, parseDecimal("59.91")!)).toBe(false);
    expect(multiplyDecimals(parseDecimal("9.99")!, parseDecimal("6")!)).toEqual({ value: 5994n, scale: 2 });
    expect(sameDecimal(multiplyDecimals(decimalFromNumber(1.665)!, decimalFromNumber(6)!), parseDecimal("9.99")!)).toBe(true);
  });
});

describe("percentages", () => {
  it("takes a percentage of an amount, rounding half away from zero", () => {
    expect(percentOf(1001n, { value: 125n, scale: 1 })).toBe(125n); // 125.125
    expect(percentOf(1000n, { value: 5n, scale: 2 })).toBe(1n); // 0.5 rounds up
    expect(percentOf(7000n, { value: 10n, scale: 0 })).toBe(700n);
  });

  it("finds the shortest percentage that gives a discount exactly", () => {
    expect(exactPercent(7000n, 700n)).toEqual({ value: 10n, scale: 0 });
    expect(exactPercent(8000n, 1000n)).toEqual({ value: 125n, scale: 1 });
    expect(exactPercent(10000n, 834n)).toEqual({ value: 834n, scale: 2 });
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 11n }), fc.bigInt({ min: 0n, max: 10n ** 11n }), (gross, share) => {
        const discount = share % (gross + 1n);
        const percent = exactPercent(gross, discount);
        expect(percent.scale).toBeLessThanOrEqual(12);
        expect(percentOf(gross, percent)).toBe(discount);
      }),
    );
  });
});

describe("decimal strings", () => {
  it("sums amount × count at the longest scale involved, at least two decimals", () => {
    expect(sumDecimals([{ amount: "35.00", times: 2 }, { amount: "5.5", times: 1 }])).toBe("75.50");
    expect(sumDecimals([{ amount: "0.125", times: 3 }, { amount: "1.00", times: 1 }])).toBe("1.375");
    expect(sumDecimals([{ amount: "-2.50", times: 1 }, { amount: "1.00", times: 1 }])).toBe("-1.50");
    expect(sumDecimals([])).toBe("0.00");
    expect(sumDecimals([{ amount: "1500", times: 2 }], 0)).toBe("3000");
    expect(() => sumDecimals([{ amount: "abc", times: 1 }])).toThrow(RangeError);
  });

  it("pads GraphQL's decimals to the webhook's two places, never cutting any", () => {
    expect(padDecimals("35.0", 2)).toBe("35.00");
    expect(padDecimals("35", 2)).toBe("35.00");
    expect(padDecimals("3.51", 2)).toBe("3.51");
    expect(padDecimals("3.125", 2)).toBe("3.125");
    expect(padDecimals("-0.5", 2)).toBe("-0.50");
  });

  it("knows an amount written as zero", () => {
    for (const zero of ["0", "0.00", ".0", ""]) expect(writtenAsZero(zero), zero).toBe(true);
    for (const other of ["0.01", "-0.00", "10.00", "abc"]) expect(writtenAsZero(other), other).toBe(false);
  });
});
