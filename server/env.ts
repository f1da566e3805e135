import { z } from "zod";

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded (openssl rand -base64 32)");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Unset means the code's own default (which may differ by process, as the worker's concurrency does). */
/** The app server's memory: 16 MB semi-spaces keep the young generation small; the old space may use up to 384 MB. */
export const APP_NODE_FLAGS_DEFAULT = "--max-semi-space-size=16 --max-old-space-size=384";

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const flag = z.enum(["0", "1", ""]).default("").transform((v) => v === "1");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optionalUrl,
  TEST_DATABASE_URL: optionalUrl,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address `npm start` listens on (default: every interface in production, loopback otherwise). */
  HOST: z.string().trim().min(1).optional(),
  APP_URL: optionalUrl,
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
  ENCRYPTION_KEY: base64Key,
  ENCRYPTION_OLD_KEYS: z
    .string()
    .default("")
    .refine(
      (v) => v.split(",").filter(Boolean).every((p) => /^[^:]+:.+$/.test(p) && Buffer.from(p.split(":")[1], "base64").length === 32),
      "must be kid:base64key pairs separated by commas, each key 32 bytes",
    ),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_ADMIN_ORIGIN: optionalUrl,
  WORKER_MODE: z.enum(["in-app", "off"]).default("in-app"),
  /**
   * Node flags of the app server process (npm start, the demo). V8 otherwise lets a busy server's heap grow far
   * beyond what it uses: a young generation of up to a few hundred MB. Empty: Node's defaults.
   */
  APP_NODE_FLAGS: z
    .string()
    .trim()
    .default(APP_NODE_FLAGS_DEFAULT)
    .refine((v) => v.split(/\s+/).every((flag) => flag === "" || /^--[a-z0-9-]+(=[\w.-]+)?$/.test(flag)), "must be Node flags such as --max-old-space-size=512, separated by spaces"),
  SYNC_MAX_ATTEMPTS: positiveInt(10),
  RECONCILE_INTERVAL_MINUTES: positiveInt(15),
  RETENTION_DAYS: positiveInt(90),
  SUPPORT_CHAT_WEBHOOK_URL: optionalUrl,
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default("vintrace-sync <no-reply@localhost>"),
  OUTBOUND_ALLOWLIST: z.string().default(""),
  /** How many X-Forwarded-For entries, counted from the right, were added by proxies we run (0: use the socket peer). */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** A session ends this many hours after sign-in, however active it is (the idle timeout applies on top). */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** "1" lets a production process reach plain-http simulators (SHOPIFY_ADMIN_ORIGIN, OUTBOUND_ALLOWLIST). */
  ALLOW_SIMULATORS: flag,
  /** "1": DATABASE_URL is an embedded PGlite, which has one session and no LISTEN/NOTIFY (set by our launchers). */
  EMBEDDED_DB: flag,
  /** Where the embedded PGlite keeps its files when DATABASE_URL is unset (default .data/pglite). */
  EMBEDDED_DATA_DIR: z.string().trim().min(1).optional(),
  /** Connections in a process's pool (default 10; a standalone worker: WORKER_CONCURRENCY + 4). */
  DB_POOL_SIZE: optionalInt(1),
  /** Syncs in flight in one process (default 8 in the app, 16 in `npm run worker`). */
  WORKER_CONCURRENCY: optionalInt(1),
  WORKER_TENANT_CONCURRENCY: optionalInt(1),
  WORKER_LEASE_MS: optionalInt(500),
  WORKER_POLL_MS: optionalInt(50),
  WORKER_SCHEDULER: z.enum(["on", "off"]).default("on"),
  /** `npm run worker` serves its own metrics (GET /metrics) on this port, at HOST; unset: it serves no HTTP. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  VINTRACE_TIMEOUT_MS: optionalInt(1),
  SYNC_POST_SETTLE_MS: optionalInt(0),
  /** Scales the retry schedule's delays: tests and benchmarks shorten it; 1 in production. */
  SYNC_RETRY_SCALE: z.coerce.number().positive().max(1).default(1),
  /** "json": one JSON object per line (production's default); "pretty": readable lines (the default elsewhere). */
  LOG_FORMAT: z.enum(["json", "pretty", ""]).default("").transform((v) => (v === "" ? undefined : v)),
  /** The least severe level written (default info; error under tests, whose failure cases would fill the output). */
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent", ""]).default("").transform((v) => (v === "" ? undefined : v)),
  /** The bearer token /api/metrics asks of callers that are not on this machine (unset: only loopback may scrape). */
  METRICS_TOKEN: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(z.string().min(16, "must be at least 16 characters (openssl rand -hex 24)").optional())
    .optional(),
});

export type Env = z.infer<typeof envSchema> & { APP_URL: string; HOST: string; outboundAllowlist: string[] };

/** Names every bad or missing variable, one per line, instead of failing on the first. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const parsed = result.data;
  const env: Env = {
    ...parsed,
    APP_URL: parsed.APP_URL ?? `http://localhost:${parsed.PORT}`,
    // A production server sits behind a load balancer that must reach it; the demo and development stay on this machine.
    HOST: parsed.HOST ?? (parsed.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
    outboundAllowlist: parsed.OUTBOUND_ALLOWLIST.split(",")
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => new URL(o).origin),
  };
  const problems = productionProblems(env);
  if (problems.length > 0) throw new Error(`Invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return env;
}

const isLoopbackHost = (host: string) => host === "localhost" || host === "127.0.0.1" || host === "[::1]";

/**
 * In production, session cookies, OAuth callbacks and reset links must travel over https, and Admin API calls must
 * not go to a plain-http origin that anyone on the path could answer. Simulators are admitted only on request.
 */
function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  const app = new URL(env.APP_URL);
  if (app.protocol !== "https:" && !isLoopbackHost(app.hostname)) {
    problems.push(`APP_URL: must be https in production (got ${app.origin}); only localhost may use http`);
  }
  if (env.LOG_FORMAT === "pretty") {
    problems.push("LOG_FORMAT: pretty needs pino-pretty, a development dependency; production writes JSON lines (pipe them through pino-pretty to read them)");
  }
  if (!env.ALLOW_SIMULATORS) {
    if (env.SHOPIFY_ADMIN_ORIGIN) {
      problems.push("SHOPIFY_ADMIN_ORIGIN: points Shopify calls at a simulator; refused in production unless ALLOW_SIMULATORS=1");
    }
    for (const origin of env.outboundAllowlist) {
      if (!origin.startsWith("https:")) {
        problems.push(`OUTBOUND_ALLOWLIST: ${origin} is not https; refused in production unless ALLOW_SIMULATORS=1`);
      }
    }
  }
  return problems;
}

let cached: Env | undefined;

/** The environment, parsed once. next-auth v4 reads NEXTAUTH_URL/NEXTAUTH_SECRET itself, so we derive them here. */
export function getEnv(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    process.env.NEXTAUTH_URL = cached.APP_URL;
    process.env.NEXTAUTH_SECRET = cached.AUTH_SECRET;
  }
  return cached;
}

/** For tests that change process.env between cases (through test/env.ts). */
export function resetEnvCache(): void {
  cached = undefined;
}

/** Whether Next.js is building the app (it sets NEXT_PHASE): nothing is served then, so nothing is validated. */
export const isBuildPhase = () => process.env.NEXT_PHASE === "phase-production-build";

/** The environment a child process of ours (the Prisma CLI) starts with: this process's own, with `overrides`. */
export function childProcessEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
