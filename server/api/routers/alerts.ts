import "server-only";
import { z } from "zod";
import { createTRPCRouter, scopedProcedure, signedInProcedure, supportProcedure, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { alertDepsFromEnv } from "@/server/alerts/cycle";
import { listAlerts } from "@/server/alerts/history";
import { alertOptIns, setAlertOptIn, setSupportDigestOptIn } from "@/server/alerts/opt-ins";
import { addChatWebhook, alertSettings, removeChatWebhook, sendTestAlert, setSilenceThreshold } from "@/server/alerts/settings";
import { getEnv } from "@/server/env";

const page = z.object({ cursor: z.string().min(1).max(64).optional(), limit: z.number().int().min(1).max(100).default(25) });

export const alertsRouter = createTRPCRouter({
  /** The alerts sent for the winery picked (or the caller's wineries), newest first, with who they reached; support staff without a winery get their cross-winery digests. */
  list: scopedProcedure.input(page).query(({ ctx, input }) => listAlerts(ctx.db, ctx.tenantIds, input)),

  /** The winery's alert settings: who receives them, its chat webhooks (never their secret path), the silence threshold. */
  settings: tenantProcedure.query(({ ctx }) => alertSettings(ctx.db, ctx.tenantId, ctx.isOwner)),

  addWebhook: tenantOwnerProcedure
    .input(z.object({ label: z.string().trim().min(1, "is required").max(60), url: z.string().trim().min(1, "is required").max(2000) }))
    .mutation(({ ctx, input }) => addChatWebhook(ctx.db, ctx.tenantId, { label: input.label, url: input.url }, getEnv().outboundAllowlist, ctx.user.email)),

  removeWebhook: tenantOwnerProcedure
    .input(z.object({ webhookId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => removeChatWebhook(ctx.db, ctx.tenantId, input.webhookId, ctx.user.email)),

  setSilenceThreshold: tenantOwnerProcedure
    .input(z.object({ minutes: z.number().int().min(15, "must be at least 15 minutes").max(7 * 24 * 60, "must be at most 7 days") }))
    .mutation(({ ctx, input }) => setSilenceThreshold(ctx.db, ctx.tenantId, input.minutes, ctx.user.email)),

  /** Sends a test alert to the winery's recipients and says who got it. */
  sendTest: tenantOwnerProcedure.mutation(({ ctx }) => sendTestAlert(ctx.db, ctx.tenantId, ctx.user.email, alertDepsFromEnv(`web:${process.pid}`))),

  /** The caller's own alert opt-ins: one per winery they belong to, and the support digest for support staff. */
  myOptIns: signedInProcedure.query(({ ctx }) => alertOptIns(ctx.db, ctx.user)),

  /** Opts the caller (only the caller) in or out of one winery's alert mail. */
  setOptIn: tenantProcedure.input(z.object({ enabled: z.boolean() })).mutation(({ ctx, input }) => setAlertOptIn(ctx.db, ctx.user.id, ctx.tenantId, input.enabled)),

  /** Support staff: opt in or out of the cross-winery digest. */
  setSupportOptIn: supportProcedure.input(z.object({ enabled: z.boolean() })).mutation(({ ctx, input }) => setSupportDigestOptIn(ctx.db, ctx.user.id, input.enabled)),
});
