import { describe, expect, it } from "vitest";
import { classifyFailure, parseRetryAfter, vintraceMessageOf } from "./errors";
import { redactRequest, scrubSecrets } from "./redact";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-10-05T00:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Mon, 05 Oct 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sun, 04 Oct 2026 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("classifyFailure", () => {
  const headers = new Headers();
  it("maps statuses to classes", () => {
    expect(classifyFailure(401, undefined, headers, "x").class).toBe("AUTH");
    expect(classifyFailure(403, undefined, headers, "x").class).toBe("AUTH");
    expect(classifyFailure(400, { status: "Error", message: "bad" }, headers, "x")).toMatchObject({ class: "VALIDATION", vintraceMessage: "bad" });
    expect(classifyFailure(422, undefined, headers, "x").class).toBe("VALIDATION");
    expect(classifyFailure(404, undefined, headers, "sales order 5")).toMatchObject({ class: "NOT_FOUND", message: "vintrace has no sales order 5." });
    expect(classifyFailure(429, undefined, headers, "x")).toMatchObject({ class: "RATE_LIMITED", retryable: true });
    expect(classifyFailure(408, undefined, headers, "x").class).toBe("TRANSIENT");
    expect(classifyFailure(504, undefined, headers, "x")).toMatchObject({ class: "TRANSIENT", retryable: true });
    expect(classifyFailure(302, undefined, headers, "x")).toMatchObject({ class: "CONFIG", fix: { where: "settings" } });
  });

  it("reads vintrace's message from v6 and v7 bodies", () => {
    expect(vintraceMessageOf({ status: "Error", message: "A note must contain a detail text" })).toBe("A note must contain a detail text");
    expect(vintraceMessageOf({ errors: [{ code: "1", message: "Invalid data", detail: "customerName" }] })).toBe("Invalid data: customerName");
    expect(vintraceMessageOf("<html>")).toBeUndefined();
  });
});

describe("redaction", () => {
  it("drops credentials from a recorded request and keeps the rest", () => {
    expect(
      redactRequest({ method: "POST", url: "https://x/api/v6/sales-order", headers: { Authorization: "Bearer k", Accept: "application/json" }, body: { a: 1 } }),
    ).toEqual({ method: "POST", url: "https://x/api/v6/sales-order", headers: { accept: "application/json" }, body: { a: 1 } });
  });

  it("scrubs secrets from text", () => {
    expect(scrubSecrets("key abcd1234 and abcd1234", ["abcd1234"])).toBe("key [redacted] and [redacted]");
  });
});
