import { describe, expect, it } from "vitest";
import { CSP_HEADER, newCspNonce, securityHeaders } from "./securityHeaders";

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
