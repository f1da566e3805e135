import "server-only";
import { z } from "zod";
import { createTRPCRouter, messageForTheUser, supportProcedure, tenantProcedure } from "@/server/api/trpc";
import { CAUSE_INFO, CAUSES, groupRetryRefusal, type Cause } from "@/lib/causes";
import { failedOrderNamesByCause, failureGroups, wineryHealth } from "@/server/overview/service";
import { retryDeps } from "@/server/orders/retry";
import { confirmRetry } from "@/server/orders/bulk-retry";
import type { Db } from "@/server/db";
import type { CurrentUser } from "@/server/auth/current-user";

const causeInput = z.object({ cause: z.enum(CAUSES) });

export interface GroupRetryResult {
  cause: Cause;
  queued: number;
  alreadyDone: number;
  notRetried: number;
  /** wineries whose retry could not run, with why */
  problems: { tenantId: string; message: string }[];
}

/** A group's retry: the failed orders of one cause, winery by winery, through the bulk retry's confirm step. */
async function retryGroup(db: Db, user: CurrentUser, tenantIds: string[] | null, cause: Cause): Promise<GroupRetryResult> {
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
      result.problems.push({ tenantId, message: messageForTheUser(error, `the ${cause} retry of winery ${tenantId}`) });
    }
  }
  return result;
}

export const overviewRouter = createTRPCRouter({
  /** One winery's health and its failures by cause. */
  winery: tenantProcedure.query(async ({ ctx }) => {
    const [health, failures] = await Promise.all([wineryHealth(ctx.db, [ctx.tenantId]), failureGroups(ctx.db, [ctx.tenantId])]);
    return { health: health[0] ?? null, failures };
  }),

  /** Support: every winery at once, and failures grouped by cause across wineries. */
  all: supportProcedure.query(async ({ ctx }) => {
    const [wineries, failures] = await Promise.all([wineryHealth(ctx.db, null), failureGroups(ctx.db, null)]);
    return { wineries, failures };
  }),

  /** Support: retry every retryable failed order of one cause, in every winery. */
  retryCause: supportProcedure.input(causeInput).mutation(({ ctx, input }) => retryGroup(ctx.db, ctx.user, null, input.cause)),

  /** Retry one winery's failed orders of one cause. */
  retryWineryCause: tenantProcedure.input(causeInput).mutation(({ ctx, input }) => retryGroup(ctx.db, ctx.user, [ctx.tenantId], input.cause)),
});
