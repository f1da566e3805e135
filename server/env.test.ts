import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const good = {
  AUTH_SECRET: "x".repeat(40),
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
};

describe("parseEnv", () => {
  it("names every bad or missing variable at once", () => {
    let message = "";
    try {
      parseEnv({ PORT: "seventy", ENCRYPTION_KEY: "c2hvcnQ=", SHOPIFY_ADMIN_ORIGIN: "not a url", WORKER_MODE: "sometimes" });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ["PORT", "AUTH_SECRET", "ENCRYPTION_KEY", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_ADMIN_ORIGIN", "WORKER_MODE"]) {
      expect(message).toContain(name);
    }
  });

  it("applies the documented defaults", () => {
    const env = parseEnv(good);
    expect(env).toMatchObject({ PORT: 3000, APP_URL: "http://localhost:3000", WORKER_MODE: "in-app", SYNC_MAX_ATTEMPTS: 10, RECONCILE_INTERVAL_MINUTES: 15, RETENTION_DAYS: 90 });
    expect(env.SHOPIFY_ADMIN_ORIGIN).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("reads the outbound allowlist as origins and refuses malformed old keys", () => {
    expect(parseEnv({ ...good, OUTBOUND_ALLOWLIST: "http://127.0.0.1:4010/x, https://hooks.example.com" }).outboundAllowlist).toEqual([
      "http://127.0.0.1:4010",
      "https://hooks.example.com",
    ]);
    expect(() => parseEnv({ ...good, ENCRYPTION_OLD_KEYS: "nokey" })).toThrow(/ENCRYPTION_OLD_KEYS/);
  });
});
