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

  it("takes a metrics token long enough not to be guessed, and refuses an unknown log level", () => {
    expect(parseEnv(good).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({ ...good, METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({ ...good, METRICS_TOKEN: "0123456789abcdef0123" }).METRICS_TOKEN).toBe("0123456789abcdef0123");
    expect(() => parseEnv({ ...good, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: must be at least 16/);
    expect(() => parseEnv({ ...good, LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
  });

  it("gives the app server Node flags that keep its heap near what it uses, and refuses anything but flags", () => {
    expect(parseEnv(good).APP_NODE_FLAGS).toBe("--max-semi-space-size=16 --max-old-space-size=384");
    expect(parseEnv({ ...good, APP_NODE_FLAGS: " --max-old-space-size=1024 " }).APP_NODE_FLAGS).toBe("--max-old-space-size=1024");
    expect(parseEnv({ ...good, APP_NODE_FLAGS: "" }).APP_NODE_FLAGS).toBe("");
    for (const bad of ["--require ./evil.js", "max-old-space-size=1", "--inspect=0.0.0.0:9229;rm"]) {
      expect(() => parseEnv({ ...good, APP_NODE_FLAGS: bad }), bad).toThrow(/APP_NODE_FLAGS/);
    }
  });

  it("defaults the proxy depth to the socket peer and the session lifetime to 12 hours", () => {
    expect(parseEnv(good)).toMatchObject({ TRUSTED_PROXY_HOPS: 0, SESSION_MAX_HOURS: 12, ALLOW_SIMULATORS: false });
    expect(() => parseEnv({ ...good, TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
  });

  it("listens on loopback outside production, on every interface in production, or where HOST says", () => {
    expect(parseEnv(good).HOST).toBe("127.0.0.1");
    expect(parseEnv({ ...good, NODE_ENV: "test" }).HOST).toBe("127.0.0.1");
    expect(parseEnv({ ...good, NODE_ENV: "production" }).HOST).toBe("0.0.0.0");
    expect(parseEnv({ ...good, NODE_ENV: "production", HOST: "10.0.0.5" }).HOST).toBe("10.0.0.5");
  });

  describe("in production", () => {
    const prod = { ...good, NODE_ENV: "production" };

    it("writes JSON logs: pretty lines need a development dependency", () => {
      expect(parseEnv(prod).LOG_FORMAT).toBeUndefined();
      expect(parseEnv({ ...prod, LOG_FORMAT: "json", LOG_LEVEL: "debug" })).toMatchObject({ LOG_FORMAT: "json", LOG_LEVEL: "debug" });
      expect(() => parseEnv({ ...prod, LOG_FORMAT: "pretty" })).toThrow(/LOG_FORMAT: pretty needs pino-pretty/);
      expect(parseEnv({ ...good, LOG_FORMAT: "pretty" }).LOG_FORMAT).toBe("pretty");
    });

    it("refuses an http APP_URL other than localhost", () => {
      expect(() => parseEnv({ ...prod, APP_URL: "http://sync.winehub.example" })).toThrow(/APP_URL: must be https/);
      expect(parseEnv({ ...prod, APP_URL: "https://sync.winehub.example" }).APP_URL).toBe("https://sync.winehub.example");
      expect(parseEnv({ ...prod, APP_URL: "http://127.0.0.1:3000" }).APP_URL).toBe("http://127.0.0.1:3000");
    });

    it("refuses a Shopify simulator and http outbound origins unless ALLOW_SIMULATORS=1", () => {
      const simulated = { ...prod, SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4020", OUTBOUND_ALLOWLIST: "http://127.0.0.1:4010,https://hooks.example.com" };
      let message = "";
      try {
        parseEnv(simulated);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("SHOPIFY_ADMIN_ORIGIN");
      expect(message).toContain("OUTBOUND_ALLOWLIST: http://127.0.0.1:4010");
      expect(message).not.toContain("hooks.example.com");
      expect(parseEnv({ ...simulated, ALLOW_SIMULATORS: "1" }).SHOPIFY_ADMIN_ORIGIN).toBe("http://127.0.0.1:4020");
    });

    it("leaves development alone", () => {
      expect(parseEnv({ ...good, APP_URL: "http://sync.example", SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:4020" }).APP_URL).toBe("http://sync.example");
    });
  });
});
