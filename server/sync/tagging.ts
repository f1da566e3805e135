// Tagging the Shopify order is a step of its own: the sales order is already decided (created, found, or failed
// for good) and recorded before the tag is written, so a tag that fails is retried on its own schedule and can
// never send the sales order again. tagState says where it stands: PENDING_* due, CREATED / ERROR on the order.
import type { OrderSync } from "@/server/generated/prisma/client";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import type { ShopifyAdmin } from "@/server/shopify/admin";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { attemptRow } from "./attempts";
import type { SyncDeps } from "./context";
import { released, writeFenced, type Lease } from "./record";
import { nextRetry, type RetrySchedule } from "./retryPolicy";

/** Shopify outages are short: tag retries start at 10 s and are capped at an hour, 12 tries over about 8 hours. */
export const TAG_RETRY_SCHEDULE: RetrySchedule = { baseMs: 10_000, factor: 3, capMs: 60 * 60 * 1000, jitterRatio: 0.5 };
export const TAG_MAX_ATTEMPTS = 12;

export type TagRow = Pick<OrderSync, "id" | "tenantId" | "orderGid" | "tagState" | "tagAttempts">;

export interface TagStepContext {
  deps: SyncDeps;
  lease: Lease;
  trigger: string;
  /** the order's tags as just read from Shopify, when known: saves removing a tag that is not there */
  knownTags?: string[] | null;
  admin?: ShopifyAdmin;
}

export type TagResult = "tagged" | "retry" | "gave_up" | "lost_lease" | "nothing_to_do";

export async function runTagStep(row: TagRow, ctx: TagStepContext): Promise<TagResult> {
  const { deps, lease, trigger } = ctx;
  if (row.tagState !== "PENDING_CREATED" && row.tagState !== "PENDING_ERROR") {
    await writeFenced(deps.db, row.id, lease, { ...released, nextAttemptAt: null });
    return "nothing_to_do";
  }
  const success = row.tagState === "PENDING_CREATED";
  const attempt = row.tagAttempts + 1;
  const started = performance.now();
  const request = success
    ? { add: [SYNC_TAGS.created], remove: ctx.knownTags && !ctx.knownTags.includes(SYNC_TAGS.error) ? [] : [SYNC_TAGS.error] }
    : { add: [SYNC_TAGS.error], remove: [] as string[] };
  try {
    const admin = ctx.admin ?? (await deps.adminFor(row.tenantId));
    await admin.tagsAdd(row.orderGid, request.add);
    if (request.remove.length > 0) await admin.tagsRemove(row.orderGid, request.remove);
  } catch (error) {
    return tagFailed(row, ctx, attempt, error, { request, durationMs: performance.now() - started });
  }
  const ok = await writeFenced(
    deps.db,
    row.id,
    lease,
    { ...released, tagState: success ? "CREATED" : "ERROR", tagAttempts: attempt, tagError: null, nextAttemptAt: null },
    [attemptRow(row.id, row.tenantId, trigger, { step: "TAG", outcome: "ok", request: { orderGid: row.orderGid, ...request }, durationMs: performance.now() - started })],
  );
  return ok ? "tagged" : "lost_lease";
}

async function tagFailed(
  row: TagRow,
  ctx: TagStepContext,
  attempt: number,
  error: unknown,
  step: { request: { add: string[]; remove: string[] }; durationMs: number },
): Promise<TagResult> {
  const { deps, lease, trigger } = ctx;
  const message = error instanceof Error ? error.message : String(error);
  // A refusal (the order is gone, a userError) will not change by retrying; an outage or a revoked token may.
  const permanent = error instanceof ShopifyAdminError && (error.kind === "USER_ERROR" || error.kind === "NOT_FOUND");
  const decision = permanent
    ? null
    : nextRetry({
        errorClass: "TRANSIENT",
        attempt,
        maxAttempts: TAG_MAX_ATTEMPTS,
        now: deps.now(),
        random: deps.random,
        schedule: scaledSchedule(TAG_RETRY_SCHEDULE, deps.retryScale),
      });
  const retry = decision?.retry ? decision : null;
  const tagError = retry
    ? `Could not tag the Shopify order (${message}); trying again.`
    : `Gave up tagging the Shopify order after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${message}. Retry the order to tag it.`;
  const ok = await writeFenced(
    deps.db,
    row.id,
    lease,
    { ...released, tagAttempts: attempt, tagError, nextAttemptAt: retry ? retry.at : null },
    [
      attemptRow(row.id, row.tenantId, trigger, {
        step: "TAG",
        outcome: "failed",
        message: tagError,
        request: { orderGid: row.orderGid, ...step.request },
        durationMs: step.durationMs,
      }),
    ],
  );
  if (!ok) return "lost_lease";
  return retry ? "retry" : "gave_up";
}

/** A schedule with its delays multiplied by `scale` (1 in production). */
export function scaledSchedule(schedule: RetrySchedule, scale: number): RetrySchedule {
  if (scale === 1) return schedule;
  return { ...schedule, baseMs: Math.max(1, Math.round(schedule.baseMs * scale)), capMs: Math.max(1, Math.round(schedule.capMs * scale)) };
}
