// A failure group's retry from the Overview: every retryable failed order of one cause, winery by winery, through the
// bulk retry's confirm step. One winery's trouble does not stop the others; it is reported beside the counts. And
// support's retry of the refusals in one text of vintrace's that no check recognised, once they have read it.
import "server-only";
import type { CurrentUser } from "@/server/auth/current-user";
import type { Db } from "@/server/db";
import type { AuditActor } from "@/server/audit/record";
import { confirmRetry } from "@/server/orders/bulk-retry";
import { retryAfterSupportReview } from "@/server/orders/fix-retry";
import { retryDeps } from "@/server/orders/retry";
import { failedOrderNamesByCause } from "@/server/overview/service";
import { CAUSE_INFO, groupRetryRefusal, type Cause } from "../../lib/causes";

/**
 * Why a winery's owner or staff may not retry the refusals in words no check recognised: retrying them unchanged
 * meets the same refusal. Support reads the words, finds the cause, and retries them once it is gone.
 */
export const UNRECOGNISED_IS_FOR_SUPPORT =
  "Only Winehub support retries orders vintrace refused in words our checks did not recognise. Tell support: they see these refusals on their Overview, and retry them once they have found the cause.";

/** Whether `user` may retry a whole cause's failures: anyone the cause is retryable for, but only support the unrecognised ones. */
export function mayRetryGroup(user: CurrentUser, cause: Cause): boolean {
  return cause !== "UNRECOGNISED" || user.role === "SUPPORT";
}

export interface GroupRetryResult {
  cause: Cause;
  queued: number;
  alreadyDone: number;
  notRetried: number;
  /** wineries whose retry could not run, with why */
  problems: { tenantId: string; message: string }[];
}

/**
 * Retries the failed orders of `cause` in the given wineries (every winery when null). `explain` turns an error one
 * winery's retry threw into the words the caller may see (the dashboard logs an unexpected one under a reference).
 */
export async function retryGroup(
  db: Db,
  user: CurrentUser,
  tenantIds: string[] | null,
  cause: Cause,
  explain: (error: unknown, where: string) => string,
): Promise<GroupRetryResult> {
  const result: GroupRetryResult = { cause, queued: 0, alreadyDone: 0, notRetried: 0, problems: [] };
  if (!CAUSE_INFO[cause].retryable) {
    result.problems.push({ tenantId: "", message: groupRetryRefusal(cause) });
    return result;
  }
  const byTenant = await failedOrderNamesByCause(db, tenantIds, cause);
  for (const [tenantId, names] of byTenant) {
    try {
      const confirmed = await confirmRetry(db, tenantId, names, { id: user.id, email: user.email }, retryDeps(db));
      if (!confirmed.ok) {
        result.problems.push({ tenantId, message: confirmed.error });
        continue;
      }
      result.queued += confirmed.counts.queued;
      result.alreadyDone += confirmed.counts.tag_queued;
      result.notRetried += confirmed.counts.none;
    } catch (error) {
      result.problems.push({ tenantId, message: explain(error, `the ${cause} retry of winery ${tenantId}`) });
    }
  }
  return result;
}

export interface WordsRetryResult {
  /** orders queued again */
  queued: number;
  /** the wineries they belong to */
  tenants: number;
  /** failures in these words still left failed: older than the fix-retry window, or being synced right now */
  left: number;
}

/**
 * Support's retry, once they have read vintrace's words and found the cause: every unrecognised refusal in exactly
 * these words (null: none given), winery by winery, in the given wineries (every winery when null). Each winery's
 * retry is audited on its own.
 */
export async function retryUnrecognisedWords(db: Db, tenantIds: string[] | null, vintraceText: string | null, actor: AuditActor): Promise<WordsRetryResult> {
  const cause: Cause = "UNRECOGNISED";
  const failed = { status: "FAILED" as const, lastErrorCause: cause, lastErrorVintraceText: vintraceText, ...(tenantIds ? { tenantId: { in: tenantIds } } : {}) };
  const wineries = await db.orderSync.findMany({ where: failed, distinct: ["tenantId"], select: { tenantId: true } });
  const result: WordsRetryResult = { queued: 0, tenants: 0, left: 0 };
  for (const { tenantId } of wineries) {
    const queued = await retryAfterSupportReview(db, tenantId, vintraceText, { actor });
    result.queued += queued;
    if (queued > 0) result.tenants += 1;
  }
  result.left = await db.orderSync.count({ where: failed });
  return result;
}
