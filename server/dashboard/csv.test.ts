import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("CSV", () => {
  it("quotes separators, quotes and new lines, and defuses formulas", () => {
    const csv = toCsv(
      [{ a: 'He said "hi", then left', b: "=HYPERLINK(\"x\")", c: -5, d: new Date("2026-01-02T03:04:05Z"), e: null }],
      [
        { header: "A", value: (r) => r.a },
        { header: "B", value: (r) => r.b },
        { header: "C", value: (r) => r.c },
        { header: "D", value: (r) => r.d },
        { header: "E", value: (r) => r.e },
      ],
    );
    expect(csv).toBe('A,B,C,D,E\r\n"He said ""hi"", then left","\'=HYPERLINK(""x"")",-5,2026-01-02T03:04:05.000Z,\r\n');
  });
});
