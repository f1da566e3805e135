// Who an alert goes to, sending it, and recording it. A winery's alerts go to its users who opted in (one mail
// each) and to its chat webhooks; the support digest goes to the support staff who opted in and to
// SUPPORT_CHAT_WEBHOOK_URL. Every alert is recorded with one delivery row per recipient, sent or not.
import "server-only";
import { decryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import type { AlertKind } from "@/server/generated/prisma/client";
import type { Mailer } from "@/server/mail/mailer";
import { renderMail } from "@/server/mail/render";
import { logger } from "@/server/observability/log";
import { metrics } from "@/server/observability/metrics";
import type { AlertContent } from "./messages";
import type { PostChat } from "./outbound";

export interface Recipients {
  emails: string[];
  webhooks: { label: string; url: string }[];
}

export interface DeliveryDeps {
  mailer: Mailer;
  postChat: PostChat;
  supportWebhookUrl?: string | null;
  log?: (line: string) => void;
}

export async function tenantRecipients(db: Db, tenantId: string): Promise<Recipients> {
  const [members, hooks] = await Promise.all([
    db.membership.findMany({
      where: { tenantId, alertEmails: true, user: { disabled: false } },
      select: { user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.alertWebhook.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } }),
  ]);
  const webhooks: Recipients["webhooks"] = [];
  for (const hook of hooks) {
    try {
      webhooks.push({ label: `${hook.label} (${hook.urlHint})`, url: decryptSecret(hook.urlEnc, { tenantId, column: "AlertWebhook.urlEnc" }) });
    } catch {
      webhooks.push({ label: `${hook.label} (${hook.urlHint})`, url: "" });
    }
  }
  return { emails: members.map((m) => m.user.email), webhooks };
}

export async function supportRecipients(db: Db, supportWebhookUrl: string | null | undefined): Promise<Recipients> {
  const staff = await db.user.findMany({
    where: { role: "SUPPORT", disabled: false, supportAlertEmails: true },
    select: { email: true },
    orderBy: { createdAt: "asc" },
  });
  return {
    emails: staff.map((s) => s.email),
    webhooks: supportWebhookUrl ? [{ label: `support chat (${new URL(supportWebhookUrl).origin})`, url: supportWebhookUrl }] : [],
  };
}

export interface DeliveredAlert {
  alertId: string;
  deliveries: { channel: "EMAIL" | "CHAT"; recipient: string; ok: boolean; error: string | null }[];
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** Records the alert, sends it to every recipient (one failure does not stop the others) and records each outcome. */
export async function deliverAlert(
  db: Db,
  deps: DeliveryDeps,
  alert: { id?: string; tenantId: string | null; kind: AlertKind; failureCount?: number; content: AlertContent; recipients: Recipients; createdAt: Date },
): Promise<DeliveredAlert> {
  const mail = renderMail(alert.content.subject, alert.content.blocks);
  const record = await db.alert.create({
    data: {
      ...(alert.id ? { id: alert.id } : {}),
      tenantId: alert.tenantId,
      kind: alert.kind,
      subject: mail.subject,
      text: mail.text,
      failureCount: alert.failureCount ?? 0,
      createdAt: alert.createdAt,
    },
  });
  const deliveries: DeliveredAlert["deliveries"] = [];
  for (const to of alert.recipients.emails) {
    try {
      await deps.mailer.send({ to, ...mail });
      deliveries.push({ channel: "EMAIL", recipient: to, ok: true, error: null });
    } catch (error) {
      deliveries.push({ channel: "EMAIL", recipient: to, ok: false, error: errorText(error) });
    }
  }
  for (const hook of alert.recipients.webhooks) {
    const result = hook.url ? await deps.postChat(hook.url, `${alert.content.chat}`) : { ok: false, error: "the stored webhook address could not be decrypted" };
    deliveries.push({ channel: "CHAT", recipient: hook.label, ok: result.ok, error: result.ok ? null : (result.error ?? "failed").slice(0, 500) });
  }
  if (deliveries.length > 0) await db.alertDelivery.createMany({ data: deliveries.map((d) => ({ ...d, alertId: record.id })) });
  for (const failed of deliveries.filter((d) => !d.ok)) deps.log?.(`[alerts] ${alert.kind} to ${failed.recipient} failed: ${failed.error}`);
  for (const d of deliveries) {
    metrics().alertsSent.inc({ kind: alert.kind, channel: d.channel, result: d.ok ? "ok" : "failed" });
    // A chat recipient is its label and host, never the webhook's secret path.
    logger()[d.ok ? "info" : "warn"]({ tenantId: alert.tenantId, alertId: record.id, kind: alert.kind, channel: d.channel, recipient: d.recipient, ok: d.ok, error: d.error }, "alert sent");
  }
  return { alertId: record.id, deliveries };
}
