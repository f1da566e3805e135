import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, messageForTheUser, scopedProcedure, supportProcedure } from "@/server/api/trpc";
import { CAUSES } from "@/lib/causes";
import { mayRetryGroup, retryGroup, retryUnrecognisedWords, UNRECOGNISED_IS_FOR_SUPPORT } from "@/server/overview/group-retry";
import { overview } from "@/server/overview/service";

/** Longer than any refusal vintrace words, short enough to keep a request small. */
const MAX_VINTRACE_TEXT = 20_000;

export const overviewRouter = createTRPCRouter({
  /** The health of the winery picked, or of every winery the caller sees, and their failures by cause. */
  get: scopedProcedure.query(({ ctx }) => overview(ctx.db, ctx.tenantIds)),

  /**
   * Retry every retryable failed order of one cause, in the winery picked or in every winery the caller sees. The
   * refusals in words no check recognised are support's to retry, once they have read them.
   */
  retryCause: scopedProcedure
    .input(z.object({ cause: z.enum(CAUSES) }))
    .mutation(({ ctx, input }) => {
      if (!mayRetryGroup(ctx.user, input.cause)) throw new TRPCError({ code: "FORBIDDEN", message: UNRECOGNISED_IS_FOR_SUPPORT });
      return retryGroup(ctx.db, ctx.user, ctx.tenantIds, input.cause, messageForTheUser);
    }),

  /**
   * Support, having read vintrace's words and found the cause: retry every unrecognised refusal in exactly these
   * words (null: none given), in the winery picked or in every winery.
   */
  retryUnrecognisedWords: supportProcedure
    .input(z.object({ tenantId: z.string().min(1).max(64).nullish(), vintraceText: z.string().min(1).max(MAX_VINTRACE_TEXT).nullable() }))
    .mutation(({ ctx, input }) =>
      retryUnrecognisedWords(ctx.db, input.tenantId ? [input.tenantId] : null, input.vintraceText, { id: ctx.user.id, email: ctx.user.email }),
    ),
});
