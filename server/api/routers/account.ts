import "server-only";
import { TRPCError } from "@trpc/server";
import { createTRPCRouter, signedInProcedure } from "@/server/api/trpc";
import { changePassword, changePasswordSchema, signOutEverywhere } from "@/server/auth/account";

export const accountRouter = createTRPCRouter({
  /** A new password, given the current one; every other session of this user ends, this one stays. */
  changePassword: signedInProcedure.input(changePasswordSchema).mutation(async ({ ctx, input }) => {
    const result = await changePassword(ctx.db, ctx.user, input);
    if (!result.ok) {
      throw new TRPCError({ code: result.reason === "wrong_password" ? "BAD_REQUEST" : "TOO_MANY_REQUESTS", message: result.message });
    }
    return { ok: true };
  }),

  /** Ends every session of this user, this one included; the page then clears its own cookie. */
  signOutEverywhere: signedInProcedure.mutation(({ ctx }) => signOutEverywhere(ctx.db, ctx.user)),
});
