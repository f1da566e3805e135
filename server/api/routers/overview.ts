import "server-only";
import { z } from "zod";
import { createTRPCRouter, messageForTheUser, scopedProcedure } from "@/server/api/trpc";
import { CAUSES } from "@/lib/causes";
import { retryGroup } from "@/server/overview/group-retry";
import { overview } from "@/server/overview/service";

export const overviewRouter = createTRPCRouter({
  /** The health of the winery picked, or of every winery the caller sees, and their failures by cause. */
  get: scopedProcedure.query(({ ctx }) => overview(ctx.db, ctx.tenantIds)),

  /** Retry every retryable failed order of one cause, in the winery picked or in every winery the caller sees. */
  retryCause: scopedProcedure
    .input(z.object({ cause: z.enum(CAUSES) }))
    .mutation(({ ctx, input }) => retryGroup(ctx.db, ctx.user, ctx.tenantIds, input.cause, messageForTheUser)),
});
