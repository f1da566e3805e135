import { describe, expect, it } from "vitest";
import { setTestEnvironment } from "@/test/database";
import { authOptions } from "../server/auth/options";
import { safeRedirectPath } from "./safe-redirect";

const APP = "https://sync.example.com";

describe("where a browser goes after signing in", () => {
  it.each([
    ["/", "/"],
    ["/orders", "/orders"],
    ["/orders?winery=abc&status=FAILED#top", "/orders?winery=abc&status=FAILED#top"],
    ["/orders/%23%201001", "/orders/%23%201001"],
    ["/a/../settings", "/settings"],
  ])("follows the path on this app %j", (destination, expected) => {
    expect(safeRedirectPath(destination)).toBe(expected);
  });

  it.each([
    ["a protocol-relative host", "//evil.example"],
    ["a protocol-relative host with a path", "//evil.example/login"],
    ["three slashes", "///evil.example"],
    ["a backslash after the slash", "/\\evil.example"],
    ["a backslash first", "\\\\evil.example"],
    ["an encoded slash", "/%2F/evil.example"],
    ["an encoded slash in lower case", "/%2f%2fevil.example"],
    ["a doubly encoded slash", "/%252F%252Fevil.example"],
    ["a triply encoded slash", "/%25252F%25252Fevil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded backslash in lower case", "/%5cevil.example"],
    ["an https URL", "https://evil.example/"],
    ["a scheme without slashes", "https:evil.example"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["javascript: in mixed case", "JaVaScRiPt:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["a relative path", "orders"],
    ["a bare host", "evil.example"],
    ["a leading space", " //evil.example"],
    ["a leading tab", "\t//evil.example"],
    ["a tab between the slashes", "/\t/evil.example"],
    ["a newline between the slashes", "/\n/evil.example"],
    ["a NUL byte", "/\u0000/evil.example"],
    ["an encoded tab between the slashes", "/%09/evil.example"],
    ["an encoded newline", "/%0a/evil.example"],
    ["an encoded NUL", "/%00/evil.example"],
    ["a non-breaking space", "/\u00a0/evil.example"],
    ["an ideographic space", "/\u3000/evil.example"],
    ["a full-width solidus", "/\uff0fevil.example"],
    ["malformed percent-encoding", "/%E0%A4%A"],
    ["an empty string", ""],
    ["something longer than any real path", `/${"a".repeat(5_000)}`],
    ["not a string", 42],
    ["nothing", undefined],
  ])("sends %s to the home page", (_what, destination) => {
    expect(safeRedirectPath(destination)).toBe("/");
    expect(safeRedirectPath(destination, APP)).toBe("/");
  });

  it("reduces this app's own absolute URLs to their path, and only those", () => {
    expect(safeRedirectPath(`${APP}/orders?winery=abc`, APP)).toBe("/orders?winery=abc");
    expect(safeRedirectPath(APP, APP)).toBe("/");
    expect(safeRedirectPath(`${APP}/`, `${APP}/`)).toBe("/");
    expect(safeRedirectPath(`${APP}.evil.example/orders`, APP)).toBe("/");
    expect(safeRedirectPath(`${APP}@evil.example/`, APP)).toBe("/");
    expect(safeRedirectPath(`${APP}//evil.example`, APP)).toBe("/");
    expect(safeRedirectPath("http://sync.example.com/orders", APP)).toBe("/");
    expect(safeRedirectPath(`${APP}/orders`)).toBe("/");
  });
});

describe("next-auth's redirect callback", () => {
  setTestEnvironment();
  const redirect = authOptions().callbacks!.redirect!;
  const baseUrl = "http://127.0.0.1:3000";

  it("keeps the browser on this app", async () => {
    expect(await redirect({ url: "/orders", baseUrl })).toBe(`${baseUrl}/orders`);
    expect(await redirect({ url: `${baseUrl}/login?callbackUrl=%2Forders`, baseUrl })).toBe(`${baseUrl}/login?callbackUrl=%2Forders`);
    for (const url of ["//evil.example", "/\\evil.example", "/%2F/evil.example", "https://evil.example/", "javascript:alert(1)"]) {
      expect(await redirect({ url, baseUrl })).toBe(`${baseUrl}/`);
    }
  });
});
