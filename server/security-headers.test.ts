import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { setTestEnvironment } from "@/test/database";
import { setTestEnv } from "@/test/env";
import { CSP_HEADER, newCspNonce, securityHeaders } from "./security-headers";

const directives = (policy: string) => new Map(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(" ")]));

describe("security headers", () => {
  const http = securityHeaders({ appUrl: "http://localhost:3000", nonce: "bm9uY2U=", development: false });
  const https = securityHeaders({ appUrl: "https://sync.example.com", nonce: "bm9uY2U=", development: false });

  it("forbid framing, sniffing, foreign form targets, base tags and plugins", () => {
    for (const headers of [http, https]) {
      const policy = directives(headers[CSP_HEADER]);
      expect(policy.get("frame-ancestors")).toBe("'none'");
      expect(policy.get("base-uri")).toBe("'self'");
      expect(policy.get("form-action")).toBe("'self'");
      expect(policy.get("object-src")).toBe("'none'");
      expect(policy.get("default-src")).toBe("'self'");
      expect(headers["X-Frame-Options"]).toBe("DENY");
      expect(headers["X-Content-Type-Options"]).toBe("nosniff");
      expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    }
  });

  it("let only scripts carrying the request's nonce run, and no eval outside development", () => {
    const script = directives(http[CSP_HEADER]).get("script-src");
    expect(script).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(script).not.toContain("unsafe-inline");
    const dev = securityHeaders({ appUrl: "http://localhost:3000", nonce: "bm9uY2U=", development: true });
    expect(directives(dev[CSP_HEADER]).get("script-src")).toContain("'unsafe-eval'");
  });

  it("send Strict-Transport-Security and upgrade requests only when APP_URL is https", () => {
    expect(https["Strict-Transport-Security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(directives(https[CSP_HEADER]).has("upgrade-insecure-requests")).toBe(true);
    expect(http).not.toHaveProperty("Strict-Transport-Security");
    expect(directives(http[CSP_HEADER]).has("upgrade-insecure-requests")).toBe(false);
  });

  it("use a fresh, unguessable nonce for every request", () => {
    const nonces = new Set(Array.from({ length: 1_000 }, newCspNonce));
    expect(nonces.size).toBe(1_000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("proxy.ts", () => {
  setTestEnvironment();
  let restoreEnv = () => {};
  const setAppUrl = (url: string) => {
    restoreEnv();
    restoreEnv = setTestEnv({ APP_URL: url });
  };
  afterEach(() => restoreEnv());

  it("reads APP_URL when the request comes, not when the app was built", () => {
    for (const [url, hsts] of [["https://sync.example.com", true], ["http://localhost:3000", false]] as const) {
      setAppUrl(url);
      const response = proxy(new NextRequest(`${url}/orders`));
      expect(response.headers.has("strict-transport-security")).toBe(hsts);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("hands Next.js the same policy, nonce included, on the request it renders", () => {
    setAppUrl("http://localhost:3000");
    const response = proxy(new NextRequest("http://localhost:3000/login"));
    const policy = response.headers.get(CSP_HEADER);
    expect(policy).toMatch(/'nonce-[A-Za-z0-9+/]+={0,2}'/);
    expect(response.headers.get(`x-middleware-request-${CSP_HEADER.toLowerCase()}`)).toBe(policy);
  });

  it("gives every request an id, on the request the route handlers log under and on the response", () => {
    setAppUrl("http://localhost:3000");
    const kept = proxy(new NextRequest("http://localhost:3000/api/health", { headers: { "x-request-id": "lb-1234" } }));
    expect(kept.headers.get("x-request-id")).toBe("lb-1234");
    expect(kept.headers.get("x-middleware-request-x-request-id")).toBe("lb-1234");
    const made = proxy(new NextRequest("http://localhost:3000/api/health", { headers: { "x-request-id": "not safe <script>" } }));
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get("x-middleware-request-x-request-id")).toBe(made.headers.get("x-request-id"));
  });
});
