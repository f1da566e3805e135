import { describe, expect, it } from "vitest";
import { CSV_BOM, csvFile, csvLine, toCsv } from "./csv";

describe("CSV", () => {
  it("quotes every cell, doubles quotes inside, and keeps separators and new lines inside the cell", () => {
    const csv = toCsv(
      [{ a: 'He said "hi", then left', b: "plain", c: 5, d: new Date("2026-01-02T03:04:05Z"), e: null, f: "two\nlines" }],
      [
        { header: "A", value: (r) => r.a },
        { header: "B", value: (r) => r.b },
        { header: "C", value: (r) => r.c },
        { header: "D", value: (r) => r.d },
        { header: "E", value: (r) => r.e },
        { header: "F", value: (r) => r.f },
      ],
    );
    expect(csv).toBe('"A","B","C","D","E","F"\r\n"He said ""hi"", then left","plain","5","2026-01-02T03:04:05.000Z","","two\nlines"\r\n');
  });

  it.each([
    ["=", '=HYPERLINK("https://evil.example","x")', '"\'=HYPERLINK(""https://evil.example"",""x"")"'],
    ["+", "+1+cmd|' /C calc'!A0", '"\'+1+cmd|\' /C calc\'!A0"'],
    ["-", "-2+3", '"\'-2+3"'],
    ["@", "@SUM(1,2)", '"\'@SUM(1,2)"'],
    ["a tab", "\t=1+1", '"\'\t=1+1"'],
    ["a carriage return", "\r=1+1", '"\'\r=1+1"'],
  ])("prefixes a cell starting with %s with a quote", (_, value, cell) => {
    expect(csvLine([value])).toBe(`${cell}\r\n`);
  });

  it("prefixes whatever the value's type, and leaves other cells as they are", () => {
    expect(csvLine([-5, "a=b", " =1", "#1001", "", undefined])).toBe('"\'-5","a=b"," =1","#1001","",""\r\n');
  });

  it("starts a file with the UTF-8 byte order mark, once, so Excel shows Rosé and not RosÃ©", () => {
    const file = csvFile(csvLine(["Rosé"]));
    expect([...new TextEncoder().encode(file).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file).toBe(`${CSV_BOM}"Rosé"\r\n`);
    expect(csvFile(file)).toBe(file);
  });
});
