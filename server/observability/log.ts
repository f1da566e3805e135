// The process's structured log: one JSON object per line (level, time, message, fields), or readable lines through
// pino-pretty outside production. On stderr, as this app's logs always were: stdout belongs to what a command prints
// (the CLI's --json output must stay parseable while the code it runs logs). Every line carries the context it was written in (request, winery,
// sync, worker, job), kept in an AsyncLocalStorage, so a call site names only what is new.
//
// No secret may reach a line. Three layers: call sites log names and outcomes, never bodies or credentials; a field
// under a secret's name is blanked wherever a caller passes an object; and every message and error text
// is scrubbed of the shapes a secret takes inside text (URL passwords, Authorization values, Shopify tokens).
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import path from "node:path";
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from "pino";
import { getEnv } from "@/server/env";

export interface LogContext {
  requestId?: string;
  tenantId?: string;
  syncId?: string;
  workerId?: string;
  job?: string;
}

export type LogFormat = "json" | "pretty";

// On globalThis: Next.js may load this module once per bundle (instrumentation, each route), and the context set in
// one must be seen by the logger of another.
const globalForLog = globalThis as unknown as { vintraceSyncLogContext?: AsyncLocalStorage<LogContext>; vintraceSyncLogger?: Logger };
const storage = (globalForLog.vintraceSyncLogContext ??= new AsyncLocalStorage<LogContext>());

/** Runs `fn` with `fields` added to the context of every line it (and whatever it starts) writes. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const merged: LogContext = { ...storage.getStore() };
  for (const [key, value] of Object.entries(fields) as [keyof LogContext, string | undefined][]) if (value) merged[key] = value;
  return storage.run(merged, fn);
}

export const currentLogContext = (): LogContext => ({ ...storage.getStore() });

/** Field names whose values are secrets, wherever they sit in what a caller passes (compared without case). */
const SECRET_KEYS = new Set(
  [
    "password",
    "newPassword",
    "currentPassword",
    "token",
    "accessToken",
    "apiKey",
    "apiSecret",
    "secret",
    "authorization",
    "cookie",
    "smtpUrl",
    "webhookUrl",
    "url",
    "key",
    "x-shopify-hmac-sha256",
  ].map((k) => k.toLowerCase()),
);
/** How deep into a caller's fields secrets are looked for. */
const REDACT_DEPTH = 3;
const REDACTED = "[redacted]";

const SECRET_SHAPES: [RegExp, string][] = [
  // user:password@ in any URL (SMTP_URL, DATABASE_URL)
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, "$1:[redacted]@"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, "$1 [redacted]"],
  // Shopify access tokens and shared secrets
  [/\bshp(at|ss|ca|pa)_[A-Za-z0-9]+/g, "shp$1_[redacted]"],
  [/\b(password|passwd|pwd|token|api[_-]?key|secret)=([^\s&]+)/gi, "$1=[redacted]"],
];

/** `text` with every secret-shaped part blanked. */
export function scrubText(text: string): string {
  return SECRET_SHAPES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? scrubText(error) : error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  // A Prisma validation error prints the query's arguments (a password hash, an encrypted token) in its message:
  // only its first and last lines are kept, and the stack's frames.
  if (error.name.startsWith("PrismaClient")) {
    const lines = error.message.split("\n").filter((l) => l.trim() !== "");
    serialized.message = lines.length > 2 ? `${lines[0]} … ${lines[lines.length - 1]}` : lines.join(" ");
    serialized.stack = `${error.name}: ${String(serialized.message)}\n${(error.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)).join("\n")}`;
  }
  for (const field of ["message", "stack"] as const) {
    if (typeof serialized[field] === "string") serialized[field] = scrubText(serialized[field]);
  }
  // Fields an error library attaches (nodemailer's `response`, `command`) may quote what was sent.
  for (const [field, value] of Object.entries(serialized)) {
    if (typeof value === "string" && field !== "message" && field !== "stack") serialized[field] = scrubText(value);
  }
  return serialized;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * A call's fields as they may be written: a value under a secret's name blanked, and secret shapes blanked inside
 * text, a few levels down. Done here rather than with pino's `redact` paths, whose wildcards cost ten times the rest
 * of a line (about 50 µs a line, and the worker writes several per order).
 */
function redactFields(fields: Record<string, unknown>, depth = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactValue(value, depth);
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth >= REDACT_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return isPlainObject(value) ? redactFields(value, depth + 1) : value;
}

export interface LoggerSettings {
  format: LogFormat;
  level: Level | "silent";
  /** where the lines go (default stderr); always JSON when given */
  destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => ({ ...storage.getStore() }),
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === "string" ? scrubText(a) : isPlainObject(a) ? redactFields(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  if (settings.destination) return pino(options, settings.destination);
  if (settings.format === "pretty") return pino(options, loadPretty());
  return pino(options, pino.destination({ fd: 2, sync: true }));
}

/** pino-pretty is a development dependency: loaded only here, and never when NODE_ENV=production. */
function loadPretty(): DestinationStream {
  if (getEnv().NODE_ENV === "production") throw new Error("pino-pretty is not loaded in production");
  const load = createRequire(path.join(process.cwd(), "package.json"));
  const pretty = load("pino-pretty") as (options: Record<string, unknown>) => DestinationStream;
  return pretty({ colorize: process.stderr.isTTY === true, destination: 2, sync: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" });
}

/** What the settings ask for: JSON in production and when LOG_FORMAT=json, readable lines otherwise. */
export function loggerSettingsFromEnv(): LoggerSettings {
  try {
    const env = getEnv();
    const format: LogFormat = env.NODE_ENV === "production" ? "json" : (env.LOG_FORMAT ?? "pretty");
    return { format, level: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "error" : "info") };
  } catch {
    // Invalid settings stop the process with their own message; what is logged before that is plain JSON.
    return { format: "json", level: "info" };
  }
}

/** The process's logger. */
export function logger(): Logger {
  globalForLog.vintraceSyncLogger ??= createLogger(loggerSettingsFromEnv());
  return globalForLog.vintraceSyncLogger;
}

/** Replaces the process's logger (tests capture lines this way); undefined goes back to the settings' one. */
export function replaceLogger(replacement: Logger | undefined): void {
  globalForLog.vintraceSyncLogger = replacement;
}

/** An unexpected error: its message and stack, with what was being done. */
export function logError(message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  logger().error({ ...fields, err: error }, message);
}

/** An `(line) => void` for modules that take a log function: each line at `level`, with `fields`. */
export function logLine(level: "info" | "warn" | "error", fields: Record<string, unknown> = {}): (line: string) => void {
  return (line) => logger()[level](fields, line);
}
