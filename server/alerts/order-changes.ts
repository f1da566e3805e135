// "Changed after sending" in the alerts. A winery's 15-minute digest tells of each new entry once (digestId: the
// digest's alert); an entry opened again by a later change has its digestId cleared by the worker, so the next digest
// tells of it again. Once a day (daily-list.ts), support's digest lists the entries still unhandled 3 days after they
// were detected, each once (supportDigestId), so support reads them in one batch rather than one by one. Both
// marks are taken with one UPDATE each, so of N instances only one digest takes an entry; and they are written in SQL
// because the query builder would also move the entry's updatedAt, the version a person names when marking it
// handled, and so refuse a marking for a change that is not there.
import "server-only";
import type { Db } from "@/server/db";
import type { OrderChangeKind } from "@/server/generated/prisma/client";
import type { MailBlock } from "@/server/mail/render";
import { changeSummary } from "@/lib/order-change-words";
import { ORDER_CHANGE_LABELS, orderChangeDetails } from "@/lib/order-changes";
import { dailyListDue, takeDailyList } from "./daily-list";
import { tenantUrl, withSection, type AlertContent, type AlertTenant } from "./messages";

export const OVERDUE_AFTER_MS = 3 * 24 * 60 * 60_000;
const OVERDUE_JOB = "alerts-changes-overdue";

interface ChangeRow {
  tenantId: string;
  orderSyncId: string;
  orderName: string;
  vintraceSalesOrderCode: string | null;
  kind: OrderChangeKind;
  details: unknown;
  detectedAt: Date;
}

/** An entry as an alert tells of it. */
export interface ToldChange extends Omit<ChangeRow, "details"> {
  /** what changed in a line, or null when the stored details do not parse */
  summary: string | null;
}

function told(row: ChangeRow): ToldChange {
  const parsed = orderChangeDetails.safeParse(row.details);
  const { details: _details, ...rest } = row;
  return { ...rest, summary: parsed.success && parsed.data.kind === row.kind ? changeSummary(parsed.data) : null };
}

/** Whether the winery has an open entry no digest has told of yet, changed before `end`. */
export async function hasUntoldChanges(db: Db, tenantId: string, end: Date): Promise<boolean> {
  const row = await db.orderChange.findFirst({ where: { tenantId, digestId: null, handledAt: null, updatedAt: { lt: end } }, select: { id: true } });
  return row !== null;
}

/** Takes the winery's untold open entries changed before `end` for the digest `alertId`. */
export async function takeChangesForDigest(db: Db, tenantId: string, end: Date, alertId: string): Promise<ToldChange[]> {
  const rows = await db.$queryRaw<ChangeRow[]>`
    WITH taken AS (
      UPDATE "OrderChange" SET "digestId" = ${alertId}
      WHERE "tenantId" = ${tenantId} AND "digestId" IS NULL AND "handledAt" IS NULL AND "updatedAt" < ${end}
      RETURNING "tenantId", "orderSyncId", "kind", "details", "detectedAt")
    SELECT taken."tenantId", taken."orderSyncId", s."orderName", s."vintraceSalesOrderCode", taken."kind"::text AS "kind", taken."details", taken."detectedAt"
    FROM taken JOIN "OrderSync" s ON s."id" = taken."orderSyncId"
    ORDER BY taken."detectedAt", s."orderName"`;
  return rows.map(told);
}

const overdueWhere = (at: Date) => ({ supportDigestId: null, handledAt: null, detectedAt: { lt: new Date(at.getTime() - OVERDUE_AFTER_MS) } });
/** Whether today's list is still to go out: an entry is unhandled for over 3 days at `at`, and none was listed today. */
export async function overdueChangesDue(db: Db, at: Date): Promise<boolean> {
  const [due, overdue] = await Promise.all([dailyListDue(db, OVERDUE_JOB, at), db.orderChange.findFirst({ where: overdueWhere(at), select: { id: true } })]);
  return due && overdue !== null;
}

/** Today's list, for the one support digest (`alertId`) that claims it: every winery's entries not listed before. */
export function takeOverdueChanges(db: Db, at: Date, alertId: string, owner: string): Promise<(ToldChange & { tenantName: string })[]> {
  return takeDailyList(db, OVERDUE_JOB, at, owner, async () => {
    const rows = await db.$queryRaw<(ChangeRow & { tenantName: string })[]>`
      WITH taken AS (
        UPDATE "OrderChange" SET "supportDigestId" = ${alertId}
        WHERE "supportDigestId" IS NULL AND "handledAt" IS NULL AND "detectedAt" < ${overdueWhere(at).detectedAt.lt}
        RETURNING "tenantId", "orderSyncId", "kind", "details", "detectedAt")
      SELECT taken."tenantId", t."name" AS "tenantName", taken."orderSyncId", s."orderName", s."vintraceSalesOrderCode",
             taken."kind"::text AS "kind", taken."details", taken."detectedAt"
      FROM taken JOIN "OrderSync" s ON s."id" = taken."orderSyncId" JOIN "Tenant" t ON t."id" = taken."tenantId"
      ORDER BY t."name", taken."detectedAt", s."orderName"`;
    return rows.map((row) => ({ ...told(row), tenantName: row.tenantName }));
  });
}

const base = (appUrl: string) => appUrl.replace(/\/$/, "");
const orderLink = (appUrl: string, change: ToldChange) => `${base(appUrl)}/orders/${change.orderSyncId}?winery=${encodeURIComponent(change.tenantId)}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function changeLine(appUrl: string, change: ToldChange) {
  const code = change.vintraceSalesOrderCode ? ` (vintrace ${change.vintraceSalesOrderCode})` : "";
  return { text: `${change.orderName}${code}: ${change.summary ?? ORDER_CHANGE_LABELS[change.kind]}`, url: orderLink(appUrl, change) };
}

const WHAT_TO_DO = "We never change a sales order in vintrace: make the change there, then mark the entry handled.";

/**
 * The winery's digest with its new "Changed after sending" entries: after the failures when there are any, else on
 * its own. Lists the first `listed` entries and counts the rest.
 */
export function withChanges(failures: AlertContent | null, appUrl: string, tenant: AlertTenant, changes: ToldChange[], windowEnd: Date, listed: number): AlertContent {
  if (changes.length === 0 && failures) return failures;
  const n = changes.length;
  const orders = plural(n, "order");
  const blocks: MailBlock[] = [
    { kind: "heading", text: `Changed after sending (${n})` },
    { kind: "paragraph", text: `Shopify shows ${orders} of ${tenant.name} cancelled, refunded or edited after ${n === 1 ? "it was" : "they were"} sent to vintrace. ${WHAT_TO_DO}` },
    { kind: "list", items: changes.slice(0, listed).map((c) => changeLine(appUrl, c)) },
    ...(n > listed ? [{ kind: "paragraph" as const, text: `…and ${n - listed} more.` }] : []),
    { kind: "action", label: "See what changed", url: tenantUrl(appUrl, tenant, "/changes") },
  ];
  const chat = `:pencil2: *${tenant.name}*: ${orders} changed in Shopify after sending to vintrace (${changes
    .slice(0, 3)
    .map((c) => `<${orderLink(appUrl, c)}|${c.orderName}> ${ORDER_CHANGE_LABELS[c.kind].toLowerCase()}`)
    .join(", ")}${n > 3 ? ", …" : ""}). ${tenantUrl(appUrl, tenant, "/changes")}`;
  if (failures) return { subject: `${failures.subject}; ${orders} changed after sending`, blocks: [...failures.blocks, ...blocks], chat: `${failures.chat}\n${chat}` };
  return {
    subject: `${tenant.name}: ${orders} changed in Shopify after sending to vintrace`,
    blocks: [{ kind: "paragraph", text: `In the 15 minutes up to ${windowEnd.toUTCString()}:` }, ...blocks],
    chat,
  };
}

/** Support's digest with the entries unhandled for over 3 days, per winery. */
export function withOverdueChanges(appUrl: string, overdue: (ToldChange & { tenantName: string })[], digest: AlertContent): AlertContent {
  if (overdue.length === 0) return digest;
  const items = overdue.map((c) => {
    const line = changeLine(appUrl, c);
    return { ...line, text: `${c.tenantName}: ${line.text}`, detail: `Detected ${c.detectedAt.toUTCString()}, still not marked handled.` };
  });
  const tenants = new Set(overdue.map((c) => c.tenantId)).size;
  const what = `${plural(overdue.length, "order")} changed after sending, unhandled for over 3 days`;
  return withSection(digest, {
    subject: what,
    blocks: [{ kind: "heading", text: `Changed after sending, unhandled for over 3 days (${overdue.length})` }, { kind: "list", items }],
    chat: `• :pencil2: ${what} across ${plural(tenants, "winery", "wineries")}`,
  });
}
