import { describe, expect, it } from "vitest";
import { normaliseVintraceUrl } from "./url";

const allow = ["http://127.0.0.1:4010"];
const url = (input: string) => {
  const result = normaliseVintraceUrl(input, allow);
  return result.ok ? result.url : `refused: ${result.message}`;
};

describe("normaliseVintraceUrl", () => {
  it("accepts a customer URL and cuts pasted login and API addresses back to it", () => {
    expect(url("https://oz50.vintrace.net/vinx2")).toBe("https://oz50.vintrace.net/vinx2");
    expect(url("https://oz50.vintrace.net/vinx2/")).toBe("https://oz50.vintrace.net/vinx2");
    expect(url("  https://OZ50.vintrace.net/vinx2/api/v6/sales-order/list?max=5#x ")).toBe("https://oz50.vintrace.net/vinx2");
    expect(url("https://us61.vintrace.net/smwe/vinx2/login.jsp")).toBe("https://us61.vintrace.net/smwe");
    expect(url("oz50.vintrace.net/vinx2")).toBe("https://oz50.vintrace.net/vinx2");
    expect(url("http://sandbox.vintrace.net/vinx2demo")).toBe("https://sandbox.vintrace.net/vinx2demo");
    expect(normaliseVintraceUrl("https://oz50.vintrace.net/vinx2/", [])).toEqual({ ok: true, url: "https://oz50.vintrace.net/vinx2", customerCode: "vinx2" });
  });

  it("admits allowlisted origins, such as the simulator", () => {
    expect(url("http://127.0.0.1:4010/hilltop/api/v6")).toBe("http://127.0.0.1:4010/hilltop");
    expect(url("http://127.0.0.1:4010/")).toMatch(/^refused: Add the customer code/);
    expect(normaliseVintraceUrl("http://127.0.0.1:4010/hilltop", [])).toMatchObject({ ok: false });
  });

  it("refuses everything else, plainly", () => {
    for (const bad of [
      "https://evil.example.com/vinx2",
      "https://vintrace.net.evil.com/vinx2",
      "https://oz50.vintrace.net.evil.com/vinx2",
      "https://evil.com#@oz50.vintrace.net/vinx2",
      "https://user:pw@oz50.vintrace.net/vinx2",
      "https://oz50.vintrace.net:8443/vinx2",
      "https://oz50.vintrace.net/",
      "https://oz50.vintrace.net/api/v6",
      "ftp://oz50.vintrace.net/vinx2",
      "http://169.254.169.254/latest/meta-data",
      "http://localhost:4010/hilltop",
      "not a url at all",
      "",
    ]) {
      expect(url(bad), bad).toMatch(/^refused: /);
    }
  });
});
