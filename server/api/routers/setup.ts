// The owner's setup wizard. Reading it is for anyone of the winery (and support); moving it on, saving and going
// live are for its owners and support, who may do any step on the winery's behalf.
import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { syncStartSchema } from "@/lib/tenant-settings";
import { createTRPCRouter, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { DiscountMode, SetupStep, TaxPolicy } from "@/server/generated/prisma/enums";
import { adminFromTokens, vintraceFromSettings } from "@/server/sync/context";
import { PREVIEW_MAX_ORDERS, previewOrders } from "@/server/setup/preview";
import { saveSending, sendingDefaults } from "@/server/setup/sending";
import { recentOrders } from "@/server/setup/shop-orders";
import { completeConnect, completeProducts } from "@/server/setup/step-checks";
import { completeStep, reopenStep, setupState } from "@/server/setup/steps";
import { goLive, GoLiveRefused, previewGoLive, type GoLiveChoices } from "@/server/tenants/go-live";

const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

/** How many of the shop's recent orders the preview step offers to pick from. */
const RECENT_ORDERS = 25;

const orderGid = z.string().trim().regex(/^gid:\/\/shopify\/Order\/\d+$/, "must be a Shopify order id");

const goLiveChoices = z.object({
  sendHeld: z.boolean(),
  /** YYYY-MM-DD (UTC midnight), or null: no orders fetched by date */
  since: syncStartSchema.nullable(),
});

/** GoLiveRefused is meant for the owner: said as it is. */
async function refusedAsBadRequest<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GoLiveRefused) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
    throw error;
  }
}

export const setupRouter = createTRPCRouter({
  /** The winery's status, its current step (and since when), and how many orders are held. */
  state: tenantProcedure.query(async ({ ctx }) => ({ ...(await setupState(ctx.db, ctx.tenantId)), canChange: ctx.isOwner })),

  /** Back to an earlier step, which becomes the current one again. Audited. */
  reopen: tenantOwnerProcedure.input(z.object({ step: z.enum(SetupStep) })).mutation(async ({ ctx, input }) => ({
    step: await reopenStep(ctx.db, ctx.tenantId, input.step, actorOf(ctx.user)),
  })),

  /** "Connect vintrace" is done once vintrace accepts the saved settings: tested now, with vintrace's verdicts when it does not. */
  completeConnect: tenantOwnerProcedure.mutation(({ ctx }) => completeConnect(ctx.db, ctx.tenantId, actorOf(ctx.user), getEnv().outboundAllowlist)),

  /** "Products" is done once a product check has finished; mismatches may be left. */
  completeProducts: tenantOwnerProcedure.mutation(({ ctx }) => completeProducts(ctx.db, ctx.tenantId, actorOf(ctx.user))),

  /** The defaults of "How orders are sent", each with where it came from. */
  sendingDefaults: tenantProcedure.query(({ ctx }) => sendingDefaults(ctx.db, adminFromTokens(ctx.db), ctx.tenantId)),

  /** Saves "How orders are sent" as Settings does (audited), and completes the step. */
  saveSending: tenantOwnerProcedure
    .input(z.object({ startDate: syncStartSchema, syncTestOrders: z.boolean(), taxPolicy: z.enum(TaxPolicy), discountMode: z.enum(DiscountMode) }))
    .mutation(({ ctx, input }) => {
      const { tenantId: _tenantId, ...choices } = input;
      return saveSending(ctx.db, ctx.tenantId, choices, actorOf(ctx.user), getEnv().outboundAllowlist);
    }),

  /** The shop's most recent orders, to pick from for the preview. */
  recentOrders: tenantProcedure.query(async ({ ctx }) => recentOrders(await adminFromTokens(ctx.db)(ctx.tenantId), RECENT_ORDERS)),

  /** For each order picked, the exact sales order the worker would send, or why it would not. Sends nothing. */
  preview: tenantProcedure
    .input(z.object({ orderGids: z.array(orderGid).min(1, "Pick an order").max(PREVIEW_MAX_ORDERS, `Pick at most ${PREVIEW_MAX_ORDERS} orders`) }))
    .query(({ ctx, input }) => previewOrders({ db: ctx.db, adminFor: adminFromTokens(ctx.db), vintraceFor: vintraceFromSettings(ctx.db) }, ctx.tenantId, input.orderGids)),

  /** "Preview" is done: looking is all it asks. */
  completePreview: tenantOwnerProcedure.mutation(async ({ ctx }) => ({ next: await completeStep(ctx.db, ctx.tenantId, "PREVIEW", actorOf(ctx.user)) })),

  /** What going live with these choices would send (the bulk retry's preview), and how many held orders it would skip. */
  goLivePreview: tenantProcedure.input(goLiveChoices).query(({ ctx, input }) => refusedAsBadRequest(() => previewGoLive(ctx.db, ctx.tenantId, choicesOf(input)))),

  /** Starts sending orders, as chosen. It decides where orders go: owners and support only. Audited. */
  goLive: tenantOwnerProcedure.input(goLiveChoices).mutation(({ ctx, input }) =>
    refusedAsBadRequest(() => goLive(ctx.db, ctx.tenantId, actorOf(ctx.user), { allowlist: getEnv().outboundAllowlist, choices: choicesOf(input) })),
  ),
});

const choicesOf = (input: z.infer<typeof goLiveChoices>): GoLiveChoices => ({ sendHeld: input.sendHeld, since: input.since });
