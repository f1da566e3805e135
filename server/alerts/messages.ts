// What each alert says, by mail (text + HTML blocks) and by chat (one short text). Pure functions: the cycle
// gathers the facts, these put them in words. Every failed order links to its page, which shows its fix.
import "server-only";
import { CAUSE_INFO } from "@/lib/causes";
import type { MailBlock } from "@/server/mail/render";
import { isNoProductLines } from "@/lib/no-product-lines";

export type ErrorClassName = "AUTH" | "VALIDATION" | "CONFIG" | "NOT_FOUND" | "RATE_LIMITED" | "TRANSIENT";
/** What alerts group failures by: the error class, with a refusal for want of product lines told apart. */
export type AlertCause = ErrorClassName | "NO_PRODUCT_LINES";

export interface AlertContent {
  subject: string;
  blocks: MailBlock[];
  chat: string;
}

export interface FailedOrder {
  id: string;
  orderName: string;
  errorClass: ErrorClassName | null;
  message: string | null;
  howTo: string | null;
  fix: string | null;
}

export const CAUSES: Record<AlertCause | "OTHER", { title: string; fix: string; page?: "settings" | "products" }> = {
  AUTH: { title: "vintrace refused our API key", fix: "Check the vintrace API key in Settings, then retry the orders.", page: "settings" },
  CONFIG: {
    title: "The settings do not match vintrace",
    fix: "Check the customer and storage area in Settings; the orders are retried when the settings change.",
    page: "settings",
  },
  VALIDATION: {
    title: "vintrace refused the order's contents",
    fix: "Match or map the products named on each order in Products; the orders are retried when they match.",
    page: "products",
  },
  NO_PRODUCT_LINES: { title: CAUSE_INFO.NO_PRODUCT_LINES.label, fix: CAUSE_INFO.NO_PRODUCT_LINES.explanation, page: "products" },
  NOT_FOUND: { title: "Something the order needs was not found", fix: "Open the order to see what is missing." },
  RATE_LIMITED: { title: "vintrace kept asking us to slow down", fix: "Retry the orders later; they were tried many times." },
  TRANSIENT: { title: "vintrace could not be reached", fix: "Retry the orders once vintrace answers again; they were tried many times." },
  OTHER: { title: "Other failures", fix: "Open the order to see what happened." },
};

export const causeOf = (cause: AlertCause | null) => CAUSES[cause ?? "OTHER"];

export const alertCauseOf = (order: Pick<FailedOrder, "errorClass" | "message">): AlertCause | null =>
  isNoProductLines(order.errorClass, order.message) ? "NO_PRODUCT_LINES" : order.errorClass;

export interface AlertTenant {
  id: string;
  name: string;
}

const base = (appUrl: string) => appUrl.replace(/\/$/, "");
export const orderUrl = (appUrl: string, id: string) => `${base(appUrl)}/orders/${id}`;
/** A dashboard page for the winery (the dashboard keeps the winery in ?winery=). */
export const tenantUrl = (appUrl: string, tenant: AlertTenant, path: string, extra: Record<string, string> = {}) =>
  `${base(appUrl)}${path}?${new URLSearchParams({ winery: tenant.id, ...extra }).toString()}`;

function orderLine(appUrl: string, order: FailedOrder) {
  const message = order.message ?? "No message was recorded.";
  const fix = order.howTo ?? causeOf(alertCauseOf(order)).fix;
  return { text: `${order.orderName}: ${message}`, detail: `Fix: ${fix}`, url: orderUrl(appUrl, order.id) };
}

export function authFailingAlert(appUrl: string, w: AlertTenant, order: FailedOrder, failing: number): AlertContent {
  const line = orderLine(appUrl, order);
  const tenant = w.name;
  return {
    subject: `${tenant}: vintrace is refusing our API key — orders are not being sent`,
    blocks: [
      { kind: "paragraph", text: `vintrace refused the API key for ${tenant}, so no order can be sent until it is fixed.` },
      { kind: "paragraph", text: `Fix: ${order.howTo ?? CAUSES.AUTH.fix}` },
      { kind: "list", items: [line] },
      { kind: "paragraph", text: `${failing} order${failing === 1 ? " has" : "s have"} failed on this so far. Further failures come in the 15-minute digest; you will not get this alert again until an order goes through.` },
      { kind: "action", label: "Check the API key in Settings", url: tenantUrl(appUrl, w, "/settings") },
    ],
    chat: `:rotating_light: *${tenant}*: vintrace is refusing our API key; orders are not being sent. ${failing} failed so far.\nFix: ${order.howTo ?? CAUSES.AUTH.fix}\n${line.url}`,
  };
}

export function firstFailureAlert(appUrl: string, w: AlertTenant, order: FailedOrder, others: number, quietHours: number): AlertContent {
  const line = orderLine(appUrl, order);
  const tenant = w.name;
  const more = others > 0 ? ` ${others} more failed at the same time; the next digest lists them.` : "";
  return {
    subject: `${tenant}: order ${order.orderName} could not be sent to vintrace`,
    blocks: [
      { kind: "paragraph", text: `After ${quietHours} hours without failures, an order for ${tenant} could not be sent to vintrace.${more}` },
      { kind: "list", items: [line] },
      { kind: "paragraph", text: "Further failures come in a digest every 15 minutes." },
      { kind: "action", label: "Open the order", url: line.url },
    ],
    chat: `:warning: *${tenant}*: order ${order.orderName} could not be sent to vintrace: ${order.message ?? "no message"}.${more}\nFix: ${line.detail.slice(5)}\n${line.url}`,
  };
}

export interface DigestGroup {
  cause: AlertCause | null;
  count: number;
  /** the first few, to list */
  orders: FailedOrder[];
}

export function digestAlert(appUrl: string, w: AlertTenant, groups: DigestGroup[], windowEnd: Date): AlertContent {
  const tenant = w.name;
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  const blocks: MailBlock[] = [
    {
      kind: "paragraph",
      text: `${total} order${total === 1 ? "" : "s"} for ${tenant} could not be sent to vintrace in the 15 minutes up to ${windowEnd.toUTCString()}. Grouped by cause, each with its fix:`,
    },
  ];
  const chat = [`:inbox_tray: *${tenant}*: ${total} order${total === 1 ? "" : "s"} failed in the last 15 minutes.`];
  for (const group of groups) {
    const cause = causeOf(group.cause);
    blocks.push({ kind: "heading", text: `${cause.title} (${group.count})` });
    blocks.push({ kind: "paragraph", text: `Fix: ${cause.fix}${cause.page ? ` ${tenantUrl(appUrl, w, `/${cause.page}`)}` : ""}` });
    blocks.push({ kind: "list", items: group.orders.map((o) => orderLine(appUrl, o)) });
    if (group.count > group.orders.length) blocks.push({ kind: "paragraph", text: `…and ${group.count - group.orders.length} more with this cause.` });
    chat.push(`• ${cause.title}: ${group.count} (e.g. ${group.orders.slice(0, 3).map((o) => `<${orderUrl(appUrl, o.id)}|${o.orderName}>`).join(", ")})`);
  }
  blocks.push({ kind: "action", label: "See the failed orders", url: tenantUrl(appUrl, w, "/orders", { status: "FAILED" }) });
  return { subject: `${tenant}: ${total} order${total === 1 ? "" : "s"} could not be sent to vintrace`, blocks, chat: chat.join("\n") };
}

export function silenceAlert(appUrl: string, w: AlertTenant, facts: { waiting: number; oldestWaitingSince: Date; lastSyncedAt: Date | null; thresholdMinutes: number }): AlertContent {
  const span = facts.thresholdMinutes % 60 === 0 ? `${facts.thresholdMinutes / 60} hour${facts.thresholdMinutes === 60 ? "" : "s"}` : `${facts.thresholdMinutes} minutes`;
  const last = facts.lastSyncedAt ? `The last order went through at ${facts.lastSyncedAt.toUTCString()}.` : "No order has gone through yet.";
  const tenant = w.name;
  const url = tenantUrl(appUrl, w, "/orders", { status: "PENDING" });
  return {
    subject: `${tenant}: no order has reached vintrace for ${span}`,
    blocks: [
      {
        kind: "paragraph",
        text: `Shopify has ${facts.waiting} order${facts.waiting === 1 ? "" : "s"} for ${tenant} waiting since ${facts.oldestWaitingSince.toUTCString()}, and none has reached vintrace for over ${span}. ${last}`,
      },
      { kind: "paragraph", text: "vintrace may be down or slow, or the sync may be paused. Open the waiting orders to see their last attempt." },
      { kind: "action", label: "See the waiting orders", url },
    ],
    chat: `:hourglass: *${tenant}*: ${facts.waiting} order${facts.waiting === 1 ? "" : "s"} waiting, none synced for over ${span}. ${last}\n${url}`,
  };
}

/** The one short message when a condition that was alerted clears: what was wrong, and what changed. */
export function resolvedAlert(appUrl: string, w: AlertTenant, facts: { problem: string; change: string; openedAt: Date | null }): AlertContent {
  const tenant = w.name;
  const since = facts.openedAt ? ` (alerted at ${facts.openedAt.toUTCString()})` : "";
  const url = tenantUrl(appUrl, w, "/");
  return {
    subject: `${tenant}: resolved: ${facts.problem}`,
    blocks: [
      { kind: "paragraph", text: `Resolved for ${tenant}: ${facts.problem}${since}. ${facts.change}` },
      { kind: "action", label: "Open the overview", url },
    ],
    chat: `:white_check_mark: *${tenant}*: resolved: ${facts.problem}. ${facts.change}\n${url}`,
  };
}

export interface SupportDigestRow {
  tenant: string;
  counts: { cause: AlertCause | null; count: number }[];
}

/** Audit events about Shopify deliveries that support should look at, per winery (or shop) and kind. */
export interface WebhookNotice {
  tenant: string;
  what: string;
  count: number;
  /** why, for the latest of them */
  reason: string | null;
}

export function supportDigestAlert(
  appUrl: string,
  rows: SupportDigestRow[],
  opened: { tenant: string; condition: string }[],
  windowEnd: Date,
  notices: WebhookNotice[] = [],
): AlertContent {
  const total = rows.reduce((sum, r) => sum + r.counts.reduce((s, c) => s + c.count, 0), 0);
  const blocks: MailBlock[] = [{ kind: "paragraph", text: `Across the wineries, in the 15 minutes up to ${windowEnd.toUTCString()}:` }];
  const chat = [`:bar_chart: *vintrace-sync support digest*: ${total} failed order${total === 1 ? "" : "s"} across ${rows.length} winer${rows.length === 1 ? "y" : "ies"}.`];
  if (opened.length > 0) {
    blocks.push({ kind: "heading", text: "New problems" });
    blocks.push({ kind: "list", items: opened.map((o) => ({ text: `${o.tenant}: ${o.condition}` })) });
    chat.push(...opened.map((o) => `• ${o.tenant}: ${o.condition}`));
  }
  if (notices.length > 0) {
    const times = (n: WebhookNotice) => (n.count > 1 ? ` (${n.count} times)` : "");
    blocks.push({ kind: "heading", text: "Shopify webhooks to look at (see the audit log)" });
    blocks.push({ kind: "list", items: notices.map((n) => ({ text: `${n.tenant}: ${n.what}${times(n)}`, detail: n.reason ?? undefined })) });
    chat.push(...notices.map((n) => `• :warning: ${n.tenant}: ${n.what}${times(n)}`));
  }
  if (rows.length > 0) {
    blocks.push({ kind: "heading", text: `Failed orders (${total})` });
    blocks.push({
      kind: "list",
      items: rows.map((r) => ({ text: `${r.tenant}: ${r.counts.reduce((s, c) => s + c.count, 0)}`, detail: r.counts.map((c) => `${causeOf(c.cause).title}: ${c.count}`).join("; ") })),
    });
    chat.push(...rows.map((r) => `• ${r.tenant}: ${r.counts.map((c) => `${c.cause ?? "OTHER"} ${c.count}`).join(", ")}`));
  }
  blocks.push({ kind: "action", label: "Open the dashboard", url: appUrl });
  const problems = opened.length ? `, ${opened.length} new problem${opened.length === 1 ? "" : "s"}` : "";
  const webhooks = notices.length ? `, ${notices.length} webhook notice${notices.length === 1 ? "" : "s"}` : "";
  return { subject: `vintrace-sync support digest: ${total} failed order${total === 1 ? "" : "s"}${problems}${webhooks}`, blocks, chat: chat.join("\n") };
}

/** A digest with a section of its own added before its closing link, and said in its subject and chat message. */
export function withSection(content: AlertContent, section: { subject: string; blocks: MailBlock[]; chat: string }): AlertContent {
  const closing = content.blocks.findLastIndex((b) => b.kind === "action");
  const at = closing === -1 ? content.blocks.length : closing;
  return {
    subject: `${content.subject}, ${section.subject}`,
    blocks: [...content.blocks.slice(0, at), ...section.blocks, ...content.blocks.slice(at)],
    chat: `${content.chat}\n${section.chat}`,
  };
}

export function testAlert(appUrl: string, w: AlertTenant, by: string): AlertContent {
  const tenant = w.name;
  return {
    subject: `${tenant}: test alert from vintrace-sync`,
    blocks: [
      { kind: "paragraph", text: `This is a test alert for ${tenant}, sent by ${by}. Failure alerts for this winery reach you here.` },
      { kind: "action", label: "Open vintrace-sync", url: tenantUrl(appUrl, w, "/") },
    ],
    chat: `:white_check_mark: *${tenant}*: test alert from vintrace-sync (sent by ${by}). Failure alerts for this winery will arrive here.`,
  };
}
