// Every step of a sync is recorded as a SyncAttempt: which step, how it ended, the error class and plain message,
// the redacted request and response (the vintrace client hands them over already scrubbed of the API key), how
// long it took and who or what triggered it. The dashboard's order page is built from these rows.
import "server-only";
import type { Prisma } from "@/server/generated/prisma/client";
import type { VintraceError, VintraceExchange } from "@/server/vintrace";

export type AttemptStep = "LOOKUP" | "CREATE" | "DIAGNOSE" | "CHECK" | "TAG" | "METAFIELD";
export type AttemptOutcome = "ok" | "found" | "not_found" | "created" | "failed" | "skipped";

export interface AttemptRecord {
  step: AttemptStep;
  outcome: AttemptOutcome;
  errorClass?: VintraceError["class"] | null;
  message?: string | null;
  request?: Prisma.InputJsonValue;
  response?: Prisma.InputJsonValue;
  durationMs: number;
}

/** Exchanges kept per step: the order's page needs what happened, not every page of a long look-up. */
const MAX_EXCHANGES = 5;

/** Response bodies are kept for the order's page, not as an archive: a runaway reply is cut. */
const MAX_BODY_CHARS = 32_000;

function responseOf(exchange: VintraceExchange): Prisma.InputJsonObject {
  let body: Prisma.InputJsonValue | null = null;
  if (exchange.responseBody !== null) {
    // PostgreSQL's jsonb cannot hold a NUL character; a binary reply must not make its record fail.
    const clean = exchange.responseBody.replace(/\u0000|\\u0000/g, "");
    const text = clean.length > MAX_BODY_CHARS ? `${clean.slice(0, MAX_BODY_CHARS)}…` : clean;
    try {
      body = JSON.parse(text) as Prisma.InputJsonValue;
    } catch {
      body = text;
    }
  }
  return { status: exchange.status, body, durationMs: exchange.durationMs };
}

function requestOf(exchange: VintraceExchange): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(exchange.request)) as Prisma.InputJsonObject;
}

/** Collects the vintrace exchanges of one step (a lookup may page), to record them as one attempt. */
export class ExchangeLog {
  private exchanges: VintraceExchange[] = [];

  readonly onExchange = (exchange: VintraceExchange) => {
    this.exchanges.push(exchange);
  };

  /** The exchanges since the last take, as a request/response pair (a list when there were several). */
  take(): { request?: Prisma.InputJsonValue; response?: Prisma.InputJsonValue; durationMs: number } {
    const taken = this.exchanges;
    this.exchanges = [];
    if (taken.length === 0) return { durationMs: 0 };
    const durationMs = taken.reduce((sum, e) => sum + e.durationMs, 0);
    if (taken.length === 1) return { request: requestOf(taken[0]), response: responseOf(taken[0]), durationMs };
    // A look-up on a tenant that ignores the filter pages through its orders: keep the first pages and the last.
    const kept = taken.length > MAX_EXCHANGES ? [...taken.slice(0, MAX_EXCHANGES - 1), taken[taken.length - 1]] : taken;
    const omitted = taken.length - kept.length;
    const note = omitted > 0 ? [{ omitted: `${omitted} more request${omitted === 1 ? "" : "s"} not kept` }] : [];
    return { request: [...kept.map(requestOf), ...note], response: [...kept.map(responseOf), ...note], durationMs };
  }
}

/** One SyncAttempt row, as queue.ts inserts it. */
export interface AttemptInsert {
  orderSyncId: string;
  tenantId: string;
  trigger: string;
  step: AttemptStep;
  outcome: AttemptOutcome;
  errorClass: VintraceError["class"] | null;
  message: string | null;
  request: Prisma.InputJsonValue | null;
  response: Prisma.InputJsonValue | null;
  durationMs: number;
  /** ISO time; steps of one run get strictly increasing times so the history reads in order */
  createdAt: string;
}

let lastAt = 0;

/** Now, but never the same millisecond twice in this process: attempts sort by createdAt. */
function attemptTime(): string {
  lastAt = Math.max(Date.now(), lastAt + 1);
  return new Date(lastAt).toISOString();
}

export function attemptRow(orderSyncId: string, tenantId: string, trigger: string, record: AttemptRecord): AttemptInsert {
  return {
    orderSyncId,
    tenantId,
    trigger,
    step: record.step,
    outcome: record.outcome,
    errorClass: record.errorClass ?? null,
    message: record.message ?? null,
    request: record.request ?? null,
    response: record.response ?? null,
    durationMs: Math.max(0, Math.round(record.durationMs)),
    createdAt: attemptTime(),
  };
}
