// Tagging the Shopify order is a step of its own: it runs once the sales order is decided (created, found, or
// failed for good), and the sync's outcome is written with the first tag attempt's, in one statement. A tag that
// fails leaves tagState PENDING_* and is retried on its own schedule, as a tag step only: it can never send the sales
// order again. (Should the worker die between the POST and that write, the next one finds the order by its
// externalTransactionId, records it and tags it.) tagState says where it stands: PENDING_* due, CREATED / ERROR
// on the order. A tag that gave up stays PENDING_* with nothing due; the pass that runs the Shopify steps
// (shopify-steps.ts) asks tagWantsTry, so another step's retry does not try it again.
import "server-only";
import type { OrderSync } from "@/server/generated/prisma/client";
import { logger } from "@/server/observability/log";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import type { ShopifyAdmin } from "@/server/shopify/admin";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { attemptRow, type AttemptInsert } from "./attempts";
import type { SyncDeps } from "./context";
import { released, type SyncUpdate } from "./queue";
import { nextRetry, type RetrySchedule } from "./retry-policy";

/**
 * Shopify outages are short: retries of a Shopify step (the tag, the metafield) start at 10 s and are capped at an
 * hour, 12 tries over about 8 hours. One schedule for both, so when both fail together their next tries fall together.
 */
const SHOPIFY_STEP_RETRY_SCHEDULE: RetrySchedule = { baseMs: 10_000, factor: 3, capMs: 60 * 60 * 1000, jitterRatio: 0.5 };
const SHOPIFY_STEP_MAX_ATTEMPTS = 12;

export type TagRow = Pick<OrderSync, "id" | "tenantId" | "orderGid" | "tagState" | "tagAttempts">;

const GAVE_UP = "Gave up tagging the Shopify order";

/** The tag still wants a try: it is pending and has not given up. */
export function tagWantsTry(row: Pick<OrderSync, "tagState" | "tagError">): row is typeof row & { tagState: "PENDING_CREATED" | "PENDING_ERROR" } {
  return (row.tagState === "PENDING_CREATED" || row.tagState === "PENDING_ERROR") && !row.tagError?.startsWith(GAVE_UP);
}

export interface TagStepContext {
  deps: SyncDeps;
  trigger: string;
  /** the order's tags as just read from Shopify, when known: saves removing a tag that is not there */
  knownTags?: string[] | null;
  admin?: ShopifyAdmin;
}

export type TagResult = "tagged" | "retry" | "gave_up";

/** What a tag attempt decided: the fields to write and the attempt to record. */
export interface TagOutcome {
  result: TagResult;
  fields: SyncUpdate;
  attempt: AttemptInsert;
}

/** Tags the order and says what to write, without writing (the sync step writes it with its own outcome). */
export async function attemptTags(row: TagRow & { tagState: "PENDING_CREATED" | "PENDING_ERROR" }, ctx: TagStepContext): Promise<TagOutcome> {
  const { deps, trigger } = ctx;
  const success = row.tagState === "PENDING_CREATED";
  const attempt = row.tagAttempts + 1;
  const started = performance.now();
  const request = success
    ? { add: [SYNC_TAGS.created], remove: ctx.knownTags && !ctx.knownTags.includes(SYNC_TAGS.error) ? [] : [SYNC_TAGS.error] }
    : { add: [SYNC_TAGS.error], remove: [] as string[] };
  const record = (outcome: "ok" | "failed", message?: string) => {
    logger()[outcome === "ok" ? "info" : "warn"](
      { syncId: row.id, tenantId: row.tenantId, step: "TAG", outcome, tag: request.add[0], attempt, message: message ?? undefined, ms: Math.round(performance.now() - started) },
      "sync step",
    );
    return attemptRow(row.id, row.tenantId, trigger, { step: "TAG", outcome, message, request: { orderGid: row.orderGid, ...request }, durationMs: performance.now() - started });
  };
  try {
    const admin = ctx.admin ?? (await deps.adminFor(row.tenantId));
    await admin.tagsAdd(row.orderGid, request.add);
    if (request.remove.length > 0) await admin.tagsRemove(row.orderGid, request.remove);
  } catch (error) {
    const { message, retryAt } = shopifyStepRetry(error, attempt, deps);
    const tagError = retryAt
      ? `Could not tag the Shopify order (${message}); trying again.`
      : `${GAVE_UP} after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${message}. Retry the order to tag it.`;
    return {
      result: retryAt ? "retry" : "gave_up",
      fields: { ...released, tagState: row.tagState, tagAttempts: attempt, tagError, nextAttemptAt: retryAt },
      attempt: record("failed", tagError),
    };
  }
  return {
    result: "tagged",
    fields: { ...released, tagState: success ? "CREATED" : "ERROR", tagAttempts: attempt, tagError: null, nextAttemptAt: null },
    attempt: record("ok"),
  };
}

/**
 * After a Shopify step failed (the tag, the metafield): the error in words, and when to try again, or null to give
 * up. A refusal (the order is gone, a userError) will not change by retrying; an outage or a revoked token may.
 */
export function shopifyStepRetry(error: unknown, attempt: number, deps: Pick<SyncDeps, "now" | "random" | "retryScale">): { message: string; retryAt: Date | null } {
  const message = error instanceof Error ? error.message : String(error);
  const permanent = error instanceof ShopifyAdminError && (error.kind === "USER_ERROR" || error.kind === "NOT_FOUND");
  if (permanent) return { message, retryAt: null };
  const decision = nextRetry({
    errorClass: "TRANSIENT",
    attempt,
    maxAttempts: SHOPIFY_STEP_MAX_ATTEMPTS,
    now: deps.now(),
    random: deps.random,
    schedule: scaledSchedule(SHOPIFY_STEP_RETRY_SCHEDULE, deps.retryScale),
  });
  return { message, retryAt: decision.retry ? decision.at : null };
}

/** A schedule with its delays multiplied by `scale` (1 in production). */
export function scaledSchedule(schedule: RetrySchedule, scale: number): RetrySchedule {
  if (scale === 1) return schedule;
  return { ...schedule, baseMs: Math.max(1, Math.round(schedule.baseMs * scale)), capMs: Math.max(1, Math.round(schedule.capMs * scale)) };
}
