import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_ORDER_NAMES, parseOrderNames, type OrderNameFormat, type ParseOrderNamesResult } from "./parse-order-names";

function accepted(result: ParseOrderNamesResult): { names: string[]; refused: { token: string; reason: string }[] } {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result;
}

describe("parseOrderNames on pasted input", () => {
  it("reads a column pasted from Excel (CRLF, trailing blank line, a header)", () => {
    const { names, refused } = accepted(parseOrderNames("Order\r\n#1001\r\n1002\r\n#1003\r\n\r\n"));
    expect(names).toEqual(["#1001", "#1002", "#1003"]);
    expect(refused).toEqual([{ token: "Order", reason: "'Order' is not an order number" }]);
  });

  it("reads a row pasted from Excel (tabs)", () => {
    expect(accepted(parseOrderNames("1001\t1002\t\t1003\t")).names).toEqual(["#1001", "#1002", "#1003"]);
  });

  it("reads an email sentence and says why each word was refused", () => {
    const { names, refused } = accepted(parseOrderNames("Order #1001, #1002 and #1003."));
    expect(names).toEqual(["#1001", "#1002", "#1003"]);
    expect(refused.map((r) => r.token)).toEqual(["Order", "and"]);
  });

  it("accepts names wrapped in quotes or brackets", () => {
    expect(accepted(parseOrderNames(`"#1001", (1002) [#1003] “1004” '1005'`)).names).toEqual([
      "#1001",
      "#1002",
      "#1003",
      "#1004",
      "#1005",
    ]);
  });

  it("ignores trailing, leading and doubled commas and semicolons", () => {
    expect(accepted(parseOrderNames(",,#1001,,1002;;#1003,")).names).toEqual(["#1001", "#1002", "#1003"]);
  });

  it("treats non-breaking and other unicode spaces as separators", () => {
    expect(accepted(parseOrderNames("#1001\u00A0#1002\u2003#1003\u3000#1004\u2028#1005")).names).toEqual([
      "#1001",
      "#1002",
      "#1003",
      "#1004",
      "#1005",
    ]);
  });

  it("drops zero-width characters and a byte-order mark instead of splitting on them", () => {
    expect(accepted(parseOrderNames("\uFEFF#10\u200B01, 10\u200D02\u2060")).names).toEqual(["#1001", "#1002"]);
  });

  it("removes duplicates and keeps the first-seen order, whatever the form", () => {
    expect(accepted(parseOrderNames("1003 #1001 1003 #1003 1001 1002")).names).toEqual(["#1003", "#1001", "#1002"]);
  });

  it("normalises leading zeros", () => {
    expect(accepted(parseOrderNames("#01001 0001002")).names).toEqual(["#1001", "#1002"]);
  });

  it("returns nothing for empty or blank input", () => {
    expect(parseOrderNames("")).toEqual({ ok: true, names: [], refused: [] });
    expect(parseOrderNames(" \r\n\t , ; ")).toEqual({ ok: true, names: [], refused: [] });
  });
});

describe("parseOrderNames refusals", () => {
  it.each([
    ["abc", "'abc' is not an order number"],
    ["#", "'#' has no number"],
    ["-5", "'-5' is not an order number: order numbers are positive"],
    ["#-5", "'#-5' is not an order number: order numbers are positive"],
    ["0", "'0' is not an order number: order numbers start at 1"],
    ["#000", "'#000' is not an order number: order numbers start at 1"],
    ["1001.5", "'1001.5' is not an order number"],
    ["#10a1", "'#10a1' is not an order number"],
    ["1234567890123456", "'1234567890123456' is too long to be an order number"],
  ])("refuses %s", (token, reason) => {
    expect(accepted(parseOrderNames(`#1001 ${token}`))).toEqual({ ok: true, names: ["#1001"], refused: [{ token, reason }] });
  });

  it("lists a repeated bad token once", () => {
    expect(accepted(parseOrderNames("x 1001 x")).refused).toEqual([{ token: "x", reason: "'x' is not an order number" }]);
  });

  it("shortens a very long token in the reason but keeps it whole in the token", () => {
    const token = "y".repeat(100);
    const [refusal] = accepted(parseOrderNames(token)).refused;
    expect(refusal.token).toBe(token);
    expect(refusal.reason.length).toBeLessThan(80);
  });
});

describe("parseOrderNames with the shop's own prefix and suffix", () => {
  it("adds a custom prefix to bare numbers and keeps names already in that form", () => {
    expect(accepted(parseOrderNames("1001 HT-1002 ht-1003 #1004 #HT-1005", { prefix: "HT-" })).names).toEqual([
      "HT-1001",
      "HT-1002",
      "HT-1003",
      "HT-1004",
      "HT-1005",
    ]);
  });

  it("handles a suffix", () => {
    expect(accepted(parseOrderNames("#1001 1002-AU #1003-au", { prefix: "#", suffix: "-AU" })).names).toEqual([
      "#1001-AU",
      "#1002-AU",
      "#1003-AU",
    ]);
  });

  it("handles a shop with no prefix at all", () => {
    expect(accepted(parseOrderNames("1001 #1002", { prefix: "" })).names).toEqual(["1001", "1002"]);
  });

  it("says a bare prefix has no number", () => {
    expect(accepted(parseOrderNames("HT-", { prefix: "HT-" })).refused).toEqual([{ token: "HT-", reason: "'HT-' has no number" }]);
  });
});

describe("parseOrderNames limit", () => {
  it(`accepts exactly ${MAX_ORDER_NAMES} names`, () => {
    const text = Array.from({ length: MAX_ORDER_NAMES }, (_, i) => `#${1001 + i}`).join("\n");
    expect(accepted(parseOrderNames(text)).names).toHaveLength(MAX_ORDER_NAMES);
  });

  it("counts duplicates once toward the limit", () => {
    const text = Array.from({ length: MAX_ORDER_NAMES }, (_, i) => `#${1001 + i} ${1001 + i}`).join("\n");
    expect(accepted(parseOrderNames(text)).names).toHaveLength(MAX_ORDER_NAMES);
  });

  it("returns an error result, not a throw, with how many were given and the limit", () => {
    const text = Array.from({ length: 1234 }, (_, i) => `${1001 + i}`).join(",");
    const result = parseOrderNames(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.given).toBe(1234);
    expect(result.limit).toBe(500);
    expect(result.error).toContain("1234");
    expect(result.error).toContain("500");
  });
});

const separatorArb = fc
  .array(fc.constantFrom(",", " ", "\t", "\n", "\r\n", ";", "\u00A0", ", ", " ;\t"), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(""));
const numberArb = fc.integer({ min: 1, max: 99_999_999 });
const formatArb = fc.record({
  prefix: fc.constantFrom("#", "", "HT-", "WS", "Order-"),
  suffix: fc.constantFrom("", "-AU", "X"),
});

describe("parseOrderNames properties", () => {
  it("round-trips valid names joined by random separators, in first-seen order, each once", () => {
    fc.assert(
      fc.property(
        formatArb,
        fc.array(fc.tuple(numberArb, fc.constantFrom("bare", "hash", "full")), { maxLength: 60 }),
        fc.array(separatorArb, { minLength: 61, maxLength: 61 }),
        ({ prefix, suffix }, entries, separators) => {
          const written = entries.map(([n, form]) =>
            form === "bare" ? `${n}` : form === "hash" ? `#${n}` : `${prefix}${n}${suffix}`,
          );
          const text = separators[0] + written.map((w, i) => w + separators[i + 1]).join("");
          const { names, refused } = accepted(parseOrderNames(text, { prefix, suffix }));
          const expected = [...new Set(entries.map(([n]) => `${prefix}${n}${suffix}`))];
          expect(names).toEqual(expected);
          expect(refused).toEqual([]);
        },
      ),
    );
  });

  it("never throws, and every accepted name is unique and in the shop's form", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), formatArb, (text, format) => {
        const result = parseOrderNames(text, format);
        if (!result.ok) return;
        expect(new Set(result.names).size).toBe(result.names.length);
        for (const name of result.names) {
          expect(name.startsWith(format.prefix) && name.endsWith(format.suffix)).toBe(true);
          expect(name.slice(format.prefix.length, name.length - format.suffix.length)).toMatch(/^[1-9]\d*$/);
        }
        for (const { reason } of result.refused) expect(reason).not.toBe("");
      }),
    );
  });

  it("gives every non-empty token a name or a reason", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(numberArb.map(String), fc.stringMatching(/^[a-z#\-0-9.]{1,6}$/)), { maxLength: 30 }), (tokens) => {
        const { names, refused } = accepted(parseOrderNames(tokens.join(" ")));
        const refusedTokens = new Set(refused.map((r) => r.token));
        for (const token of tokens) {
          const asName = parseOrderNames(token);
          const isName = asName.ok && asName.names.length === 1 && names.includes(asName.names[0]);
          expect(isName || refusedTokens.has(token)).toBe(true);
        }
      }),
    );
  });
});

// Runs of characters that make backtracking patterns slow: separators, markers, wrapping punctuation and digits.
const hostileRunArb = fc.tuple(
  fc.constantFrom(",", " ", "\n", "\r\n", "\t", ";", "#", "HT-", ".", "(", ")", '"', "-", "0", "1", "x", "\u200B", "#1001"),
  fc.integer({ min: 1, max: 100_000 }),
);
const HOSTILE_LENGTH = 100_000;
// Linear work on 100 KB takes milliseconds; a quadratic pattern takes tens of seconds.
const HOSTILE_BUDGET_MS = 1_000;

function parseTimed(text: string, format?: OrderNameFormat): ParseOrderNamesResult {
  const started = performance.now();
  const result = parseOrderNames(text, format);
  expect(performance.now() - started).toBeLessThan(HOSTILE_BUDGET_MS);
  return result;
}

describe("parseOrderNames on hostile input", () => {
  it("reads 100 KB of adversarial text in time proportional to its length", { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.array(hostileRunArb, { minLength: 1, maxLength: 6 }), formatArb, (runs, format) => {
        const text = runs.map(([unit, count]) => unit.repeat(count)).join("").slice(0, HOSTILE_LENGTH).padEnd(HOSTILE_LENGTH, "x");
        const result = parseTimed(text, format);
        if (result.ok) for (const { reason } of result.refused) expect(reason).not.toBe("");
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ["a run of sentence punctuation before a letter", `${".".repeat(HOSTILE_LENGTH)}x`],
    ["a run of opening brackets", `${"(".repeat(HOSTILE_LENGTH)}1001x`],
    ["a run of #", `${"#".repeat(HOSTILE_LENGTH)}1001`],
    ["a run of separators between two names", `#1001${" ,;\n".repeat(HOSTILE_LENGTH / 4)}#1002`],
    ["a run of wrapping quotes around a name", `${'"'.repeat(HOSTILE_LENGTH / 2)}1001${'"'.repeat(HOSTILE_LENGTH / 2)}`],
  ])("reads %s quickly", { timeout: 5_000 }, (_, text) => {
    expect(parseTimed(text).ok).toBe(true);
  });
});
