// When to try a failed sync again. Only TRANSIENT and RATE_LIMITED failures are retried; the rest need a person (or a
// fix-triggered retry, once a settings change or a newly matched SKU may have removed the cause) and retrying them
// would only repeat the same refusal.
//
// Jitter: each delay is drawn from [floor, floor × (1 + jitterRatio)], where floor grows by `factor` per attempt up to
// `capMs`. Full jitter ([0, d]) and decorrelated jitter both have a floor of zero, so they cannot promise that a day of
// vintrace downtime is ridden out; a jitter window above a guaranteed floor can, and still spreads a herd of retries.

import "server-only";
export type SyncErrorClass = "TRANSIENT" | "RATE_LIMITED" | "VALIDATION" | "AUTH" | "CONFIG" | "NOT_FOUND";

export interface RetrySchedule {
  /** Floor of the delay after the first attempt. */
  baseMs: number;
  /** Growth of the floor per attempt. */
  factor: number;
  /** Largest floor for one step. */
  capMs: number;
  /** Width of the random window above the floor, as a share of the floor. */
  jitterRatio: number;
}

// 30 s, 2 min, 8 min, 32 min, ~2 h 8 min, then 6 h steps: the floors of the 9 waits between 10 attempts add up to
// 26.8 h. Doubling from 30 s would reach only 4.3 h in 9 steps.
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseMs: 30_000,
  factor: 4,
  capMs: 6 * 60 * 60 * 1000,
  jitterRatio: 0.5,
};

export const DEFAULT_MAX_ATTEMPTS = 10;

export interface NextRetryInput {
  errorClass: SyncErrorClass;
  /** Attempts made so far, including the one that just failed (1 after the first failure). */
  attempt: number;
  /** vintrace's Retry-After, in milliseconds from `now`. The retry is never scheduled earlier. */
  retryAfterMs?: number;
  maxAttempts?: number;
  now: Date;
  /** A number in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  schedule?: RetrySchedule;
}

export type RetryDecision =
  | { retry: true; at: Date; delayMs: number }
  | { retry: false; reason: string; cause: "PERMANENT" | "ATTEMPTS_EXHAUSTED" };

const PERMANENT_REASONS: Record<Exclude<SyncErrorClass, "TRANSIENT" | "RATE_LIMITED">, string> = {
  VALIDATION: "permanent: vintrace refused the order as invalid; it is retried when the SKU it named is matched or mapped, or by hand",
  AUTH: "permanent: vintrace refused the API key; fix the key in settings, then retry by hand",
  CONFIG: "permanent: a winery setting does not match vintrace; the order is retried when the settings change",
  NOT_FOUND: "permanent: vintrace could not find what was asked for; retrying would fail the same way",
};

export function nextRetry({
  errorClass,
  attempt,
  retryAfterMs,
  maxAttempts = DEFAULT_MAX_ATTEMPTS,
  now,
  random = Math.random,
  schedule = DEFAULT_RETRY_SCHEDULE,
}: NextRetryInput): RetryDecision {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, got ${attempt}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
  }

  if (errorClass !== "TRANSIENT" && errorClass !== "RATE_LIMITED") {
    return { retry: false, reason: PERMANENT_REASONS[errorClass], cause: "PERMANENT" };
  }
  if (attempt >= maxAttempts) {
    return {
      retry: false,
      reason: `gave up after ${attempt} attempt${attempt === 1 ? "" : "s"} (the limit is ${maxAttempts})`,
      cause: "ATTEMPTS_EXHAUSTED",
    };
  }

  const { minMs, maxMs } = retryDelayBounds(attempt, retryAfterMs, schedule);
  const delayMs = minMs + Math.floor(clampUnit(random()) * (maxMs - minMs));
  return { retry: true, at: new Date(now.getTime() + delayMs), delayMs };
}

/** The window the delay after `attempt` is drawn from; the dashboard can show it as "next try between … and …". */
export function retryDelayBounds(
  attempt: number,
  retryAfterMs: number | undefined,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
): { minMs: number; maxMs: number } {
  const floor = scheduleFloorMs(attempt, schedule);
  const honoured = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? Math.ceil(retryAfterMs) : 0;
  const minMs = Math.max(floor, honoured);
  return { minMs, maxMs: minMs + Math.floor(floor * schedule.jitterRatio) };
}

/** The sum of the delay floors between `maxAttempts` attempts: the shortest time before a sync gives up. */
export function minimumRetrySpanMs(maxAttempts: number = DEFAULT_MAX_ATTEMPTS, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
  let total = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += scheduleFloorMs(attempt, schedule);
  return total;
}

function scheduleFloorMs(attempt: number, { baseMs, factor, capMs }: RetrySchedule): number {
  // Computed in log space so a large attempt number cannot overflow to Infinity before the cap applies.
  const exponent = attempt - 1;
  if (exponent * Math.log(factor) >= Math.log(capMs / baseMs)) return capMs;
  return Math.min(capMs, Math.round(baseMs * factor ** exponent));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}
