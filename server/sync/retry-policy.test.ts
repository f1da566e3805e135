import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_SCHEDULE,
  minimumRetrySpanMs,
  nextRetry,
  retryDelayBounds,
  type SyncErrorClass,
} from "./retry-policy";

const now = new Date("2025-03-01T00:00:00.000Z");
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;

function delayOf(decision: ReturnType<typeof nextRetry>): number {
  if (!decision.retry) throw new Error(`expected a retry, got: ${decision.reason}`);
  expect(decision.at.getTime() - now.getTime()).toBe(decision.delayMs);
  return decision.delayMs;
}

describe("nextRetry schedule", () => {
  it("uses the floor when random gives 0 and the top of the window when it gives almost 1", () => {
    const floors = [30, 120, 480, 1920, 7680, 21600, 21600, 21600, 21600].map((s) => s * SECOND);
    floors.forEach((floor, i) => {
      const attempt = i + 1;
      expect(delayOf(nextRetry({ errorClass: "TRANSIENT", attempt, now, random: () => 0 }))).toBe(floor);
      expect(delayOf(nextRetry({ errorClass: "TRANSIENT", attempt, now, random: () => 0.999999 }))).toBe(
        Math.floor(floor + 0.999999 * floor * 0.5),
      );
    });
  });

  it("is deterministic for an injected random", () => {
    const random = () => 0.5;
    expect(delayOf(nextRetry({ errorClass: "RATE_LIMITED", attempt: 3, now, random }))).toBe(480 * SECOND + 120 * SECOND);
  });

  it("rides out at least 24 hours of failures over the default 10 attempts, even at the lowest jitter", () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(10);
    expect(minimumRetrySpanMs(10)).toBeGreaterThanOrEqual(DAY);
    let total = 0;
    for (let attempt = 1; attempt < 10; attempt++) {
      total += delayOf(nextRetry({ errorClass: "TRANSIENT", attempt, maxAttempts: 10, now, random: () => 0 }));
    }
    expect(total).toBe(minimumRetrySpanMs(10));
  });

  it("never waits more than the cap plus its jitter for one step, even for absurd attempt numbers", () => {
    const cap = DEFAULT_RETRY_SCHEDULE.capMs;
    const delay = delayOf(nextRetry({ errorClass: "TRANSIENT", attempt: 5000, maxAttempts: 10_000, now, random: () => 0.999 }));
    expect(delay).toBeLessThanOrEqual(cap * 1.5);
    expect(delay).toBeGreaterThanOrEqual(cap);
  });

  it("treats a misbehaving random source as 0 or almost 1 instead of leaving the window", () => {
    for (const value of [Number.NaN, -1, 1, 7]) {
      const delay = delayOf(nextRetry({ errorClass: "TRANSIENT", attempt: 1, now, random: () => value }));
      expect(delay).toBeGreaterThanOrEqual(30 * SECOND);
      expect(delay).toBeLessThanOrEqual(45 * SECOND);
    }
  });
});

describe("nextRetry and Retry-After", () => {
  it("never retries before Retry-After", () => {
    expect(delayOf(nextRetry({ errorClass: "RATE_LIMITED", attempt: 1, retryAfterMs: 10 * 60 * SECOND, now, random: () => 0 }))).toBe(
      10 * 60 * SECOND,
    );
  });

  it("keeps the backoff when it is longer than Retry-After", () => {
    expect(delayOf(nextRetry({ errorClass: "RATE_LIMITED", attempt: 6, retryAfterMs: 5 * SECOND, now, random: () => 0 }))).toBe(6 * HOUR);
  });

  it("ignores a zero, negative or non-finite Retry-After", () => {
    for (const retryAfterMs of [0, -5000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(delayOf(nextRetry({ errorClass: "RATE_LIMITED", attempt: 1, retryAfterMs, now, random: () => 0 }))).toBe(30 * SECOND);
    }
  });

  it("rounds a fractional Retry-After up", () => {
    expect(delayOf(nextRetry({ errorClass: "RATE_LIMITED", attempt: 1, retryAfterMs: 60_000.2, now, random: () => 0 }))).toBe(60_001);
  });
});

describe("nextRetry refusals", () => {
  it.each<SyncErrorClass>(["VALIDATION", "AUTH", "CONFIG", "NOT_FOUND"])("never retries %s", (errorClass) => {
    const decision = nextRetry({ errorClass, attempt: 1, now, random: () => 0 });
    expect(decision).toMatchObject({ retry: false, cause: "PERMANENT" });
    if (!decision.retry) expect(decision.reason).toMatch(/^permanent: /);
  });

  it("gives up once maxAttempts is reached and says so", () => {
    expect(nextRetry({ errorClass: "TRANSIENT", attempt: 9, maxAttempts: 10, now }).retry).toBe(true);
    expect(nextRetry({ errorClass: "TRANSIENT", attempt: 10, maxAttempts: 10, now })).toEqual({
      retry: false,
      cause: "ATTEMPTS_EXHAUSTED",
      reason: "gave up after 10 attempts (the limit is 10)",
    });
    expect(nextRetry({ errorClass: "RATE_LIMITED", attempt: 1, maxAttempts: 1, now })).toMatchObject({
      retry: false,
      reason: "gave up after 1 attempt (the limit is 1)",
    });
  });

  it("reports a permanent error as permanent even when attempts are also exhausted", () => {
    expect(nextRetry({ errorClass: "AUTH", attempt: 10, maxAttempts: 10, now })).toMatchObject({ cause: "PERMANENT" });
  });

  it("throws on a programming error in the attempt counters", () => {
    expect(() => nextRetry({ errorClass: "TRANSIENT", attempt: 0, now })).toThrow(RangeError);
    expect(() => nextRetry({ errorClass: "TRANSIENT", attempt: 1.5, now })).toThrow(RangeError);
    expect(() => nextRetry({ errorClass: "TRANSIENT", attempt: 1, maxAttempts: 0, now })).toThrow(RangeError);
  });
});

describe("nextRetry properties", () => {
  const input = fc.record({
    errorClass: fc.constantFrom<SyncErrorClass>("TRANSIENT", "RATE_LIMITED"),
    attempt: fc.integer({ min: 1, max: 60 }),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: 2 * DAY }), { nil: undefined }),
    r: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  });

  it("stays inside the bounds, after Retry-After and after the schedule floor", () => {
    fc.assert(
      fc.property(input, ({ errorClass, attempt, retryAfterMs, r }) => {
        const decision = nextRetry({ errorClass, attempt, retryAfterMs, maxAttempts: 100, now, random: () => r });
        const delay = delayOf(decision);
        const { minMs, maxMs } = retryDelayBounds(attempt, retryAfterMs);
        expect(delay).toBeGreaterThanOrEqual(minMs);
        expect(delay).toBeLessThanOrEqual(maxMs);
        expect(delay).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
        expect(delay).toBeGreaterThanOrEqual(retryDelayBounds(attempt, undefined).minMs);
      }),
    );
  });

  it("has window bounds that never shrink from one attempt to the next", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.option(fc.integer({ min: 0, max: 2 * DAY }), { nil: undefined }), (attempt, retryAfterMs) => {
        const here = retryDelayBounds(attempt, retryAfterMs);
        const next = retryDelayBounds(attempt + 1, retryAfterMs);
        expect(next.minMs).toBeGreaterThanOrEqual(here.minMs);
        expect(next.maxMs).toBeGreaterThanOrEqual(here.maxMs);
      }),
    );
  });

  it("is monotone in the random draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const delay = (r: number) => delayOf(nextRetry({ errorClass: "TRANSIENT", attempt, maxAttempts: 100, now, random: () => r }));
          expect(delay(low)).toBeLessThanOrEqual(delay(high));
        },
      ),
    );
  });

  it("covers 24 hours at the floor for every maxAttempts from 10 up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 100 }), (maxAttempts) => {
        expect(minimumRetrySpanMs(maxAttempts)).toBeGreaterThanOrEqual(DAY);
      }),
    );
  });
});
