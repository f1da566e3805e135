import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ceilDiv,
  formatScaled,
  formatScaledTrimmed,
  minorDigits,
  parseMoney,
  parseRatio,
  parseScaled,
  roundDiv,
  scaledToJsonNumber,
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
