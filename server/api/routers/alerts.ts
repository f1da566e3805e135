import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, signedInProcedure, supportProcedure, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { alertDepsFromEnv } from "@/server/alerts/cycle";
import { addChatWebhook, listChatWebhooks, removeChatWebhook, sendTestAlert, setSilenceThreshold } from "@/server/alerts/settings";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import type { Prisma } from "@/server/generated/prisma/client";

const page = z.object({ cursor: z.string().min(1).max(64).optional(), limit: z.number().int().min(1).max(100).default(25) });

async function listAlerts(db: Db, where: Prisma.AlertWhereInput, input: z.infer<typeof page>) {
  const rows = await db.alert.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      kind: true,
      subject: true,
      text: true,
      failureCount: true,
      createdAt: true,
      deliveries: { select: { channel: true, recipient: true, ok: true, error: true, sentAt: true }, orderBy: { sentAt: "asc" } },
    },
  });
  return { items: rows.slice(0, input.limit), nextCursor: rows.length > input.limit ? rows[input.limit - 1].id : null };
}

export const alertsRouter = createTRPCRouter({
  /** Every alert sent for the winery, newest first, with who it reached. */
  list: tenantProcedure.input(page).query(({ ctx, input }) => listAlerts(ctx.db, { tenantId: ctx.tenantId }, input)),

  /** The support team's cross-winery digests. */
  supportList: supportProcedure.input(page).query(({ ctx, input }) => listAlerts(ctx.db, { tenantId: null }, input)),

  /** The winery's alert settings: who receives them, its chat webhooks (never their secret path), the silence threshold. */
  settings: tenantProcedure.query(async ({ ctx }) => {
    const [tenant, recipients, webhooks, open] = await Promise.all([
      ctx.db.tenant.findUnique({ where: { id: ctx.tenantId }, select: { silenceAlertMinutes: true } }),
      ctx.db.membership.findMany({
        where: { tenantId: ctx.tenantId, alertEmails: true, user: { disabled: false } },
        select: { user: { select: { email: true } } },
        orderBy: { createdAt: "asc" },
      }),
      listChatWebhooks(ctx.db, ctx.tenantId),
      ctx.db.alertState.findMany({ where: { tenantId: ctx.tenantId, open: true }, select: { condition: true, openedAt: true } }),
    ]);
    if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "No such winery." });
    return {
      canManage: ctx.isOwner,
      silenceAlertMinutes: tenant.silenceAlertMinutes,
      emailRecipients: recipients.map((r) => r.user.email),
      webhooks: webhooks.map((w) => ({ id: w.id, label: w.label, origin: w.urlHint, createdAt: w.createdAt })),
      openConditions: open,
    };
  }),

  addWebhook: tenantOwnerProcedure
    .input(z.object({ label: z.string().trim().min(1, "is required").max(60), url: z.string().trim().min(1, "is required").max(2000) }))
    .mutation(({ ctx, input }) => addChatWebhook(ctx.db, ctx.tenantId, { label: input.label, url: input.url }, getEnv().outboundAllowlist, ctx.user.email)),

  removeWebhook: tenantOwnerProcedure.input(z.object({ webhookId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    if (!(await removeChatWebhook(ctx.db, ctx.tenantId, input.webhookId, ctx.user.email))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such chat webhook." });
    }
    return { removed: true };
  }),

  setSilenceThreshold: tenantOwnerProcedure
    .input(z.object({ minutes: z.number().int().min(15, "must be at least 15 minutes").max(7 * 24 * 60, "must be at most 7 days") }))
    .mutation(async ({ ctx, input }) => ({ silenceAlertMinutes: await setSilenceThreshold(ctx.db, ctx.tenantId, input.minutes, ctx.user.email) })),

  /** Sends a test alert to the winery's recipients and says who got it. */
  sendTest: tenantOwnerProcedure.mutation(async ({ ctx }) => {
    const sent = await sendTestAlert(ctx.db, ctx.tenantId, ctx.user.email, alertDepsFromEnv(`web:${process.pid}`));
    return sent;
  }),

  /** The caller's own alert opt-ins: one per winery they belong to, and the support digest for support staff. */
  myOptIns: signedInProcedure.query(async ({ ctx }) => {
    const [memberships, me] = await Promise.all([
      ctx.db.membership.findMany({
        where: { userId: ctx.user.id },
        select: { tenantId: true, role: true, alertEmails: true, tenant: { select: { name: true } } },
        orderBy: { createdAt: "asc" },
      }),
      ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { supportAlertEmails: true } }),
    ]);
    return {
      email: ctx.user.email,
      wineries: memberships.map((m) => ({ tenantId: m.tenantId, name: m.tenant.name, role: m.role, alertEmails: m.alertEmails })),
      supportDigest: ctx.user.role === "SUPPORT" ? me.supportAlertEmails : null,
    };
  }),

  /** Opts the caller (only the caller) in or out of one winery's alert mail. */
  setOptIn: tenantProcedure.input(z.object({ enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.membership.updateMany({ where: { userId: ctx.user.id, tenantId: ctx.tenantId }, data: { alertEmails: input.enabled } });
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "You are not a user of this winery, so it sends you no alerts." });
    return { alertEmails: input.enabled };
  }),

  /** Support staff: opt in or out of the cross-winery digest. */
  setSupportOptIn: supportProcedure.input(z.object({ enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    await ctx.db.user.update({ where: { id: ctx.user.id }, data: { supportAlertEmails: input.enabled } });
    return { supportDigest: input.enabled };
  }),
});
