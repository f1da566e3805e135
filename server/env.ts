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

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optionalUrl,
  TEST_DATABASE_URL: optionalUrl,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
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
  SYNC_MAX_ATTEMPTS: positiveInt(10),
  RECONCILE_INTERVAL_MINUTES: positiveInt(15),
  RETENTION_DAYS: positiveInt(90),
  SUPPORT_CHAT_WEBHOOK_URL: optionalUrl,
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default("vintrace-sync <no-reply@localhost>"),
  OUTBOUND_ALLOWLIST: z.string().default(""),
});

export type Env = z.infer<typeof envSchema> & { APP_URL: string; outboundAllowlist: string[] };

/** Names every bad or missing variable, one per line, instead of failing on the first. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    APP_URL: parsed.APP_URL ?? `http://localhost:${parsed.PORT}`,
    outboundAllowlist: parsed.OUTBOUND_ALLOWLIST.split(",")
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => new URL(o).origin),
  };
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

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
