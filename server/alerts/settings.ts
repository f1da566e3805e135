// A winery's alert settings: its chat webhooks (checked, then stored encrypted), the silence threshold, the test
// alert. Who may change them is decided by the caller's procedure builder (owners and support staff).
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { InputError, parseOrThrow } from "@/server/lib/errors";
import { Refused } from "@/server/lib/refused";
import { deliverAlert, tenantRecipients, type DeliveredAlert, type DeliveryDeps } from "./deliver";
import { testAlert } from "./messages";
import { checkChatWebhookUrl } from "./outbound";

export const MAX_WEBHOOKS_PER_TENANT = 5;

export const chatWebhookInputSchema = z.object({
  label: z.string().trim().min(1, "is required").max(60),
  url: z.string().trim().min(1, "is required").max(2000),
});

export const silenceMinutesSchema = z.coerce.number().int().min(15, "must be at least 15 minutes").max(7 * 24 * 60, "must be at most 7 days");

/**
 * The winery's alert settings as its page shows them: who receives alert mail, its chat webhooks (never their secret
 * path), the silence threshold, the conditions open now; `canManage` says whether the viewer may change them.
 */
export async function alertSettings(db: Db, tenantId: string, canManage: boolean) {
  const [tenant, recipients, webhooks, open] = await Promise.all([
    db.tenant.findUnique({ where: { id: tenantId }, select: { silenceAlertMinutes: true } }),
    db.membership.findMany({
      where: { tenantId, alertEmails: true, user: { disabled: false } },
      select: { user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    listChatWebhooks(db, tenantId),
    db.alertState.findMany({ where: { tenantId, open: true }, select: { condition: true, openedAt: true } }),
  ]);
  if (!tenant) throw new Refused("NOT_FOUND", "No such winery.");
  return {
    canManage,
    silenceAlertMinutes: tenant.silenceAlertMinutes,
    emailRecipients: recipients.map((r) => r.user.email),
    webhooks: webhooks.map((w) => ({ id: w.id, label: w.label, origin: w.urlHint, createdAt: w.createdAt })),
    openConditions: open,
  };
}

export async function addChatWebhook(db: Db, tenantId: string, input: unknown, allowlist: string[], actor: string) {
  const parsed = parseOrThrow(chatWebhookInputSchema, input);
  const check = checkChatWebhookUrl(parsed.url, allowlist);
  if (!check.ok) throw new InputError({ url: check.message });
  if ((await db.alertWebhook.count({ where: { tenantId } })) >= MAX_WEBHOOKS_PER_TENANT) {
    throw new InputError({ url: `a winery can have at most ${MAX_WEBHOOKS_PER_TENANT} chat webhooks` });
  }
  return db.$transaction(async (tx) => {
    const hook = await tx.alertWebhook.create({
      data: { tenantId, label: parsed.label, urlEnc: encryptSecret(check.url, { tenantId, column: "AlertWebhook.urlEnc" }), urlHint: check.hint, createdBy: actor },
      select: { id: true, label: true, urlHint: true, createdAt: true },
    });
    await recordAudit(tx, {
      action: "alerts.webhook_added",
      actor: { email: actor },
      tenantId,
      details: { label: hook.label, origin: hook.urlHint },
    });
    return hook;
  });
}

export function listChatWebhooks(db: Db, tenantId: string) {
  return db.alertWebhook.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" }, select: { id: true, label: true, urlHint: true, createdAt: true, createdBy: true } });
}

/** Removes one of the winery's chat webhooks; another winery's, or one that is gone, is not found. */
export async function removeChatWebhook(db: Db, tenantId: string, id: string, actor: string): Promise<{ removed: true }> {
  const { count } = await db.alertWebhook.deleteMany({ where: { id, tenantId } });
  if (count === 0) throw new Refused("NOT_FOUND", "This winery has no such chat webhook.");
  await recordAudit(db, { action: "alerts.webhook_removed", actor: { email: actor }, tenantId, details: { id } });
  return { removed: true };
}

export async function setSilenceThreshold(db: Db, tenantId: string, minutes: unknown, actor: string): Promise<{ silenceAlertMinutes: number }> {
  const parsed = silenceMinutesSchema.safeParse(minutes);
  if (!parsed.success) throw new InputError({ silenceAlertMinutes: parsed.error.issues[0]?.message ?? "is not valid" });
  await db.$transaction([
    db.tenant.update({ where: { id: tenantId }, data: { silenceAlertMinutes: parsed.data } }),
    recordAudit(db, { action: "alerts.silence_threshold", actor: { email: actor }, tenantId, details: { minutes: parsed.data } }),
  ]);
  return { silenceAlertMinutes: parsed.data };
}

export async function sendTestAlert(db: Db, tenantId: string, by: string, deps: DeliveryDeps & { appUrl: string }): Promise<DeliveredAlert> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true, name: true } });
  if (!tenant) throw new InputError({ tenantId: "no such winery" });
  return deliverAlert(db, deps, {
    tenantId,
    kind: "TEST",
    content: testAlert(deps.appUrl, tenant, by),
    recipients: await tenantRecipients(db, tenantId),
    createdAt: new Date(),
  });
}
