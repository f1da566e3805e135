import "server-only";
import { z } from "zod";
import { createTRPCRouter, scopedProcedure, tenantProcedure } from "@/server/api/trpc";
import { markChangeHandled, MAX_HANDLED_NOTE } from "@/server/order-changes/handled";
import { CHANGE_STATES, changeCursorSchema, countOpenChanges, listChanges, MAX_CHANGES_PAGE } from "@/server/order-changes/list";

const pageInput = z.object({
  state: z.enum(CHANGE_STATES).default("open"),
  cursor: changeCursorSchema.nullish(),
  limit: z.number().int().min(1).max(MAX_CHANGES_PAGE).default(25),
});

// The "Changed after sending" list: orders Shopify shows cancelled, refunded or edited after they were sent to vintrace.
export const changesRouter = createTRPCRouter({
  /** The entries of the winery picked, or of every winery the caller sees, open ones first, a keyset page at a time. */
  list: scopedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => listChanges(ctx.db, { tenantIds: ctx.tenantIds }, input.state, { cursor: input.cursor, limit: input.limit })),

  /** How many entries wait to be handled, for the navigation. */
  count: scopedProcedure.query(({ ctx }) => countOpenChanges(ctx.db, { tenantIds: ctx.tenantIds })),

  /** Says the change was made in vintrace (an owner, a staff member or support), with an optional note. Audited. */
  markHandled: tenantProcedure
    .input(
      z.object({
        changeId: z.string().min(1).max(64),
        seenUpdatedAt: z.coerce.date(),
        note: z.string().trim().max(MAX_HANDLED_NOTE, `must be at most ${MAX_HANDLED_NOTE} characters`).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      markChangeHandled(ctx.db, ctx.tenantId, { changeId: input.changeId, seenUpdatedAt: input.seenUpdatedAt, note: input.note }, { id: ctx.user.id, email: ctx.user.email }),
    ),
});
