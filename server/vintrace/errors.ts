// What went wrong with a vintrace call, in the terms the sync engine and a winery need: whether to retry, when,
// and what to fix. vintrace documents almost none of its errors, so classes come from the HTTP status and our
// own lookups (see diagnose-rejection.ts), never from matching vintrace's wording.

import "server-only";
import type { DIAGNOSED_CAUSES } from "@/lib/causes";

export type DiagnosedCause = (typeof DIAGNOSED_CAUSES)[number];
export type VintraceErrorClass = "AUTH" | "VALIDATION" | "CONFIG" | "NOT_FOUND" | "RATE_LIMITED" | "TRANSIENT";

export interface VintraceFix {
  /** the page of our app where the winery fixes it */
  where: "settings" | "products";
  howTo: string;
}

export interface VintraceError {
  class: VintraceErrorClass;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  /** plain words for a winery */
  message: string;
  fix: VintraceFix | null;
  /** vintrace's own text, when it sent one */
  vintraceMessage?: string;
  /** stock codes vintrace does not have: a fix on the Products page can retry the orders that named them */
  missingStockCodes?: string[];
  /** what a refusal was diagnosed as (lib/causes.ts), when diagnose-rejection.ts found it */
  cause?: DiagnosedCause;
}

export type VintraceResult<T> = { ok: true; value: T } | { ok: false; error: VintraceError };

export const succeed = <T>(value: T): VintraceResult<T> => ({ ok: true, value });
export const fail = <T = never>(error: VintraceError): VintraceResult<T> => ({ ok: false, error });

const RETRYABLE: Record<VintraceErrorClass, boolean> = {
  AUTH: false,
  VALIDATION: false,
  CONFIG: false,
  NOT_FOUND: false,
  RATE_LIMITED: true,
  TRANSIENT: true,
};

export function vintraceError(fields: Omit<VintraceError, "retryable" | "fix"> & { fix?: VintraceFix | null }): VintraceError {
  return { ...fields, fix: fields.fix ?? null, retryable: RETRYABLE[fields.class] };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** vintrace's own message from a v6 `{status, message}` or a v7 `{errors:[{message, detail}]}` body. */
export function vintraceMessageOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === "string" && record.message.trim()) return record.message.trim();
  if (Array.isArray(record.errors)) {
    const texts = record.errors
      .map((e) => (e && typeof e === "object" ? [(e as Record<string, unknown>).message, (e as Record<string, unknown>).detail] : []))
      .flat()
      .filter((t): t is string => typeof t === "string" && t.trim() !== "");
    if (texts.length > 0) return [...new Set(texts)].join(": ");
  }
  return undefined;
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} second${Math.round(ms / 1000) === 1 ? "" : "s"}`;

/** Classifies a reply that was not a success. `what` names the thing asked for, e.g. "sales order 12". */
export function classifyFailure(status: number, body: unknown, headers: Headers, what: string): VintraceError {
  const vintraceMessage = vintraceMessageOf(body);
  const said = vintraceMessage ? ` vintrace said: "${vintraceMessage}".` : "";
  if (status === 401) {
    return vintraceError({
      class: "AUTH",
      status,
      vintraceMessage,
      message: `vintrace did not accept the API key.${said}`,
      fix: { where: "settings", howTo: "Create a new API token in vintrace (Manage API tokens) and paste it in Settings." },
    });
  }
  if (status === 403) {
    return vintraceError({
      class: "AUTH",
      status,
      vintraceMessage,
      message: `The vintrace API key is not allowed to do this.${said}`,
      fix: { where: "settings", howTo: "Give the vintrace user behind the API key permission to create sales orders, or use another user's key." },
    });
  }
  if (status === 404) {
    return vintraceError({ class: "NOT_FOUND", status, vintraceMessage, message: `vintrace has no ${what}.` });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
    return vintraceError({
      class: "RATE_LIMITED",
      status,
      retryAfterMs,
      vintraceMessage,
      message: `vintrace asked us to slow down; we will try again${retryAfterMs !== undefined ? ` in ${seconds(retryAfterMs)}` : " shortly"}.`,
    });
  }
  if (status >= 500 || status === 408) {
    return vintraceError({
      class: "TRANSIENT",
      status,
      retryAfterMs: parseRetryAfter(headers.get("retry-after")),
      vintraceMessage,
      message: `vintrace had a problem (HTTP ${status}); we will try again.`,
    });
  }
  if (status >= 300 && status < 400) {
    return vintraceError({
      class: "CONFIG",
      status,
      message: "vintrace redirected the request elsewhere, which usually means the vintrace address in Settings is not your customer's address.",
      fix: { where: "settings", howTo: "Paste the address you log in to vintrace with, e.g. https://oz50.vintrace.net/yourcode/." },
    });
  }
  return rejected(status, vintraceMessage);
}

/** A request vintrace refused (400, or a 200 whose status is "Error"): its text is all we know until diagnosed. */
export function rejected(status: number, vintraceMessage: string | undefined): VintraceError {
  return vintraceError({
    class: "VALIDATION",
    status,
    vintraceMessage,
    message: vintraceMessage ? `vintrace refused it: "${vintraceMessage}".` : `vintrace refused it (HTTP ${status}) without saying why.`,
  });
}

export function transient(message: string, status?: number): VintraceError {
  return vintraceError({ class: "TRANSIENT", status, message });
}
