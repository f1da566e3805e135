// The alert cycle, run by the scheduler about once a minute on every instance (runAlertCycle). Per winery:
//   1. the failure ledger takes in every order that is FAILED now, once per (order, attempt);
//   2. immediate alerts: vintrace refusing the key (AUTH), or the first failure after a quiet period; each is a
//      condition that is alerted when it opens and never again until it clears, when one short "resolved" follows;
//   3. the silence warning: an order has waited longer than the winery's threshold and nothing synced since (a
//      condition too, with its "resolved");
//   4. the digest of the 15-minute window that just ended: every failure not yet reported, grouped by cause, and
//      every order newly changed after sending (order-changes.ts), in one alert per recipient, however many there
//      are; claimed per (winery, window) so N instances send it once.
// Then the support team's cross-winery digest of the same window, with the window's notices about Shopify
// deliveries (possible forgeries, an uninstall Shopify did not confirm, a shop/redact not carried out, webhook
// subscriptions that could not be set up), and once a day the wineries stuck in setup (setup-stuck.ts) and the
// orders changed after sending left unhandled for over 3 days (order-changes.ts).
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { Prisma, type AlertCondition, type AlertKind, type TenantStatus } from "@/server/generated/prisma/client";
import { claimJob, finishJob } from "@/server/jobs/claim";
import { getMailer } from "@/server/mail/mailer";
import { logLine } from "@/server/observability/log";
import { WEBHOOK_NOTICES } from "@/server/shopify/webhooks/notices";
import type { AuditAction } from "@/lib/audit-actions";
import { NO_PRODUCT_LINES_PREFIX } from "@/lib/no-product-lines";
import { clearCondition, CONDITION_WORDS, conditionStates, openCondition, wasAlerted } from "./conditions";
import { deliverAlert, supportRecipients, tenantRecipients, type DeliveryDeps } from "./deliver";
import {
  authFailingAlert,
  digestAlert,
  firstFailureAlert,
  resolvedAlert,
  silenceAlert,
  supportDigestAlert,
  type AlertCause,
  type DigestGroup,
  type FailedOrder,
  type WebhookNotice,
} from "./messages";
import { createChatPoster } from "./outbound";
import { hasUntoldChanges, overdueChangesDue, takeChangesForDigest, takeOverdueChanges, withChanges, withOverdueChanges } from "./order-changes";
import { stuckSetupsDue, takeStuckSetups, withStuckSetups } from "./setup-stuck";

export interface AlertPolicy {
  digestWindowMs: number;
  /** no failure for this long and the next one is alerted at once */
  quietPeriodMs: number;
  /** orders listed per cause in a digest (the rest are counted) */
  listedPerCause: number;
  /** failures older than this when first seen (before alerts were running) are taken as already reported */
  backfillHorizonMs: number;
  /** alerts and the failure ledger are kept this long (RETENTION_DAYS) */
  retentionDays: number;
}

export const ALERT_POLICY: AlertPolicy = {
  digestWindowMs: 15 * 60_000,
  quietPeriodMs: 6 * 60 * 60_000,
  listedPerCause: 20,
  backfillHorizonMs: 24 * 60 * 60_000,
  retentionDays: 90,
};

export interface AlertDeps extends DeliveryDeps {
  appUrl: string;
  /** who claims the digest windows (hostname:pid) */
  owner: string;
  policy?: Partial<AlertPolicy>;
}

export function alertDepsFromEnv(owner: string): AlertDeps {
  const env = getEnv();
  return {
    mailer: getMailer(),
    postChat: createChatPoster(env.outboundAllowlist),
    supportWebhookUrl: env.SUPPORT_CHAT_WEBHOOK_URL ?? null,
    appUrl: env.APP_URL,
    owner,
    policy: { retentionDays: env.RETENTION_DAYS },
    log: logLine("warn"),
  };
}

export interface SentAlert {
  tenantId: string | null;
  kind: AlertKind;
  alertId: string;
  recipients: number;
}

export interface AlertCycleResult {
  sent: SentAlert[];
  cleared: { tenantId: string; condition: string }[];
  errors: string[];
}

const EPOCH = new Date(0);
/** The digest id of failures that were already old when the alerts first saw them: never reported. */
const BACKFILL = "backfill";

/** Orders synced at or after `since`: vintrace is taking orders again. */
async function syncedSince(db: Db, tenantId: string, since: Date): Promise<boolean> {
  const row = await db.orderSync.findFirst({
    where: { tenantId, status: "SYNCED", syncedAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return row !== null;
}

async function ingestFailures(db: Db, tenantId: string, now: Date, policy: AlertPolicy): Promise<number> {
  const horizon = new Date(now.getTime() - policy.backfillHorizonMs);
  return db.$executeRaw`
    INSERT INTO "AlertFailure" ("orderSyncId", "attempt", "tenantId", "errorClass", "seenAt", "digestId", "supportDigestId")
    SELECT o.id, o.attempts, o."tenantId", o."lastErrorClass", ${now},
           CASE WHEN o."updatedAt" < ${horizon} THEN ${BACKFILL} END, CASE WHEN o."updatedAt" < ${horizon} THEN ${BACKFILL} END
    FROM "OrderSync" o
    WHERE o."tenantId" = ${tenantId} AND o.status = 'FAILED'
    ON CONFLICT DO NOTHING`;
}

async function failedOrders(db: Db, ids: string[]): Promise<Map<string, FailedOrder>> {
  const rows = await db.orderSync.findMany({
    where: { id: { in: ids } },
    select: { id: true, orderName: true, lastErrorClass: true, lastErrorMessage: true, lastErrorHowTo: true, lastErrorFix: true },
  });
  return new Map(
    rows.map((r) => [r.id, { id: r.id, orderName: r.orderName, errorClass: r.lastErrorClass, message: r.lastErrorMessage, howTo: r.lastErrorHowTo, fix: r.lastErrorFix }]),
  );
}

/** The failure an immediate alert named is reported; the digest need not list it again. */
async function markReported(db: Db, orderSyncId: string, attempt: number, alertId: string): Promise<void> {
  await db.alertFailure.updateMany({ where: { orderSyncId, attempt, digestId: null }, data: { digestId: alertId } });
}

interface TenantRow {
  id: string;
  name: string;
  status: TenantStatus;
  silenceAlertMinutes: number;
}

const RESOLVED_PROBLEM: Record<AlertCondition, string> = {
  AUTH_FAILING: "vintrace was refusing our API key",
  FAILING: "orders were failing",
  SILENCE: "no order was reaching vintrace",
};

/**
 * Clears a condition. The one instance that wins the clearing tells the winery's recipients, once, in a short
 * "resolved" message, when the condition's opening was alerted.
 */
async function clear(
  db: Db,
  tenant: TenantRow,
  condition: AlertCondition,
  openedAt: Date | null,
  change: string,
  now: Date,
  deps: AlertDeps,
  result: AlertCycleResult,
): Promise<void> {
  if (!(await clearCondition(db, tenant.id, condition, now))) return;
  result.cleared.push({ tenantId: tenant.id, condition });
  if (!(await wasAlerted(db, tenant.id, condition, openedAt))) return;
  const sent = await deliverAlert(db, deps, {
    tenantId: tenant.id,
    kind: "RESOLVED",
    content: resolvedAlert(deps.appUrl, tenant, { problem: RESOLVED_PROBLEM[condition], change, openedAt }),
    recipients: await tenantRecipients(db, tenant.id),
    createdAt: now,
  });
  result.sent.push({ tenantId: tenant.id, kind: "RESOLVED", alertId: sent.alertId, recipients: sent.deliveries.length });
}

async function immediateAlerts(db: Db, tenant: TenantRow, now: Date, deps: AlertDeps, policy: AlertPolicy, result: AlertCycleResult): Promise<void> {
  const states = await conditionStates(db, tenant.id);
  let authOpenedNow = false;

  if (states.auth.open) {
    if (await syncedSince(db, tenant.id, states.auth.openedAt ?? EPOCH)) {
      await clear(db, tenant, "AUTH_FAILING", states.auth.openedAt, "An order has gone through since, so vintrace accepts the key again.", now, deps, result);
    }
  } else {
    const lastAuth = await db.alertFailure.findFirst({
      where: { tenantId: tenant.id, errorClass: "AUTH", digestId: null, seenAt: { gt: states.auth.clearedAt ?? EPOCH } },
      orderBy: { seenAt: "desc" },
    });
    // When it failed: when the ledger first saw it, or earlier if the order was last touched before that.
    const failedAt = lastAuth
      ? new Date(Math.min(lastAuth.seenAt.getTime(), (await db.orderSync.findUnique({ where: { id: lastAuth.orderSyncId }, select: { updatedAt: true } }))?.updatedAt.getTime() ?? Infinity))
      : null;
    if (lastAuth && failedAt && !(await syncedSince(db, tenant.id, failedAt))) {
      if (await openCondition(db, tenant.id, "AUTH_FAILING", now, { orderSyncId: lastAuth.orderSyncId })) {
        authOpenedNow = true;
        const order = (await failedOrders(db, [lastAuth.orderSyncId])).get(lastAuth.orderSyncId);
        const failing = await db.orderSync.count({ where: { tenantId: tenant.id, status: "FAILED", lastErrorClass: "AUTH" } });
        if (order) {
          const alertId = randomUUID();
          await markReported(db, lastAuth.orderSyncId, lastAuth.attempt, alertId);
          const sent = await deliverAlert(db, deps, {
            id: alertId,
            tenantId: tenant.id,
            kind: "AUTH_FAILING",
            failureCount: failing,
            content: authFailingAlert(deps.appUrl, tenant, order, failing),
            recipients: await tenantRecipients(db, tenant.id),
            createdAt: now,
          });
          result.sent.push({ tenantId: tenant.id, kind: "AUTH_FAILING", alertId: sent.alertId, recipients: sent.deliveries.length });
        }
      }
    }
  }

  if (states.failing.open) {
    const latest = await db.alertFailure.findFirst({ where: { tenantId: tenant.id }, orderBy: { seenAt: "desc" }, select: { seenAt: true } });
    if (!latest || latest.seenAt.getTime() < now.getTime() - policy.quietPeriodMs) {
      const failed = await db.orderSync.count({ where: { tenantId: tenant.id, status: "FAILED" } });
      const left = failed === 0 ? "" : ` ${failed} failed order${failed === 1 ? " still waits" : "s still wait"} for a retry.`;
      await clear(db, tenant, "FAILING", states.failing.openedAt, `No order has failed for ${Math.round(policy.quietPeriodMs / 3_600_000)} hours.${left}`, now, deps, result);
    }
    return;
  }
  const since = { tenantId: tenant.id, digestId: null, seenAt: { gt: states.failing.clearedAt ?? EPOCH } };
  const first = await db.alertFailure.findFirst({ where: since, orderBy: [{ seenAt: "asc" }, { orderSyncId: "asc" }] });
  if (!first) return;
  if (!(await openCondition(db, tenant.id, "FAILING", now, { orderSyncId: first.orderSyncId }))) return;
  // The key alert already told them; a second mail about the same moment would be noise.
  if (authOpenedNow || states.auth.open) return;
  const order = (await failedOrders(db, [first.orderSyncId])).get(first.orderSyncId);
  if (!order) return;
  const others = (await db.alertFailure.count({ where: since })) - 1;
  const alertId = randomUUID();
  await markReported(db, first.orderSyncId, first.attempt, alertId);
  const sent = await deliverAlert(db, deps, {
    id: alertId,
    tenantId: tenant.id,
    kind: "FIRST_FAILURE",
    failureCount: others + 1,
    content: firstFailureAlert(deps.appUrl, tenant, order, Math.max(0, others), Math.round(policy.quietPeriodMs / 3_600_000)),
    recipients: await tenantRecipients(db, tenant.id),
    createdAt: now,
  });
  result.sent.push({ tenantId: tenant.id, kind: "FIRST_FAILURE", alertId: sent.alertId, recipients: sent.deliveries.length });
}

async function silenceWarning(db: Db, tenant: TenantRow, now: Date, deps: AlertDeps, result: AlertCycleResult): Promise<void> {
  const states = await conditionStates(db, tenant.id);
  const thresholdMs = tenant.silenceAlertMinutes * 60_000;
  let silent = false;
  let oldest: { createdAt: Date } | null = null;
  if (tenant.status === "ACTIVE") {
    oldest = await db.orderSync.findFirst({ where: { tenantId: tenant.id, status: "PENDING" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
    silent = oldest !== null && oldest.createdAt.getTime() <= now.getTime() - thresholdMs && !(await syncedSince(db, tenant.id, oldest.createdAt));
  }
  if (!silent) {
    if (!states.silence.open) return;
    const change =
      tenant.status === "SETUP"
        ? "Setup is not finished, so orders wait on purpose until the winery starts sending them."
        : tenant.status !== "ACTIVE"
          ? "Syncing is paused, so orders wait on purpose until it resumes."
          : (await syncedSince(db, tenant.id, states.silence.openedAt ?? EPOCH))
            ? "Orders are reaching vintrace again."
            : "No order is waiting to be sent any more.";
    await clear(db, tenant, "SILENCE", states.silence.openedAt, change, now, deps, result);
    return;
  }
  if (states.silence.open || !oldest) return;
  if (!(await openCondition(db, tenant.id, "SILENCE", now, { oldestWaitingSince: oldest.createdAt.toISOString() }))) return;
  const [waiting, last] = await Promise.all([
    db.orderSync.count({ where: { tenantId: tenant.id, status: "PENDING" } }),
    db.orderSync.findFirst({ where: { tenantId: tenant.id, status: "SYNCED" }, orderBy: { syncedAt: "desc" }, select: { syncedAt: true } }),
  ]);
  const sent = await deliverAlert(db, deps, {
    tenantId: tenant.id,
    kind: "SILENCE",
    content: silenceAlert(deps.appUrl, tenant, {
      waiting,
      oldestWaitingSince: oldest.createdAt,
      lastSyncedAt: last?.syncedAt ?? null,
      thresholdMinutes: tenant.silenceAlertMinutes,
    }),
    recipients: await tenantRecipients(db, tenant.id),
    createdAt: now,
  });
  result.sent.push({ tenantId: tenant.id, kind: "SILENCE", alertId: sent.alertId, recipients: sent.deliveries.length });
}

/** The window that ended last: [start, end). */
export function lastCompleteWindow(now: Date, windowMs: number): { start: Date; end: Date; key: string } {
  const end = Math.floor(now.getTime() / windowMs) * windowMs;
  return { start: new Date(end - windowMs), end: new Date(end), key: new Date(end - windowMs).toISOString() };
}

/**
 * The alert cause of failures taken for a digest, in SQL over `taken` ("orderSyncId", "errorClass") and the order `s`:
 * the same rule as alertCauseOf, on the order's message.
 */
const takenCauseSql = Prisma.sql`(CASE
  WHEN taken."errorClass" = 'VALIDATION' AND starts_with(s."lastErrorMessage", ${NO_PRODUCT_LINES_PREFIX}::text) THEN 'NO_PRODUCT_LINES'
  ELSE taken."errorClass"::text
END)`;

async function tenantDigest(db: Db, tenant: TenantRow, now: Date, deps: AlertDeps, policy: AlertPolicy, result: AlertCycleResult): Promise<void> {
  const window = lastCompleteWindow(now, policy.digestWindowMs);
  const pending = await db.alertFailure.findFirst({ where: { tenantId: tenant.id, digestId: null, seenAt: { lt: window.end } }, select: { orderSyncId: true } });
  if (!pending && !(await hasUntoldChanges(db, tenant.id, window.end))) return;
  if (!(await claimJob(db, "alerts-digest", tenant.id, window.key, deps.owner, now))) return;
  const alertId = randomUUID();
  // Each failure goes to exactly one digest, even when a slow run overlaps the next window's.
  const taken = await db.$queryRaw<{ orderSyncId: string; cause: AlertCause | null }[]>`
    WITH taken AS (
      UPDATE "AlertFailure" SET "digestId" = ${alertId}
      WHERE "tenantId" = ${tenant.id} AND "digestId" IS NULL AND "seenAt" < ${window.end}
      RETURNING "orderSyncId", "errorClass")
    SELECT taken."orderSyncId", ${takenCauseSql} AS "cause" FROM taken LEFT JOIN "OrderSync" s ON s."id" = taken."orderSyncId"`;
  const changes = await takeChangesForDigest(db, tenant.id, window.end, alertId);
  let summary: Prisma.InputJsonValue = { failures: 0 };
  if (taken.length > 0 || changes.length > 0) {
    const byCause = new Map<AlertCause | null, string[]>();
    for (const row of taken) {
      const ids = byCause.get(row.cause) ?? [];
      if (!ids.includes(row.orderSyncId)) ids.push(row.orderSyncId);
      byCause.set(row.cause, ids);
    }
    const listed = [...byCause.values()].flatMap((ids) => ids.slice(0, policy.listedPerCause));
    const orders = await failedOrders(db, listed);
    const groups: DigestGroup[] = [...byCause.entries()]
      .map(([cause, ids]) => ({
        cause,
        count: ids.length,
        orders: ids
          .slice(0, policy.listedPerCause)
          .map((id) => orders.get(id))
          .filter((o): o is FailedOrder => o !== undefined),
      }))
      .sort((a, b) => b.count - a.count);
    const failures = groups.reduce((sum, g) => sum + g.count, 0);
    const sent = await deliverAlert(db, deps, {
      id: alertId,
      tenantId: tenant.id,
      kind: "DIGEST",
      failureCount: failures,
      content: withChanges(failures > 0 ? digestAlert(deps.appUrl, tenant, groups, window.end) : null, deps.appUrl, tenant, changes, window.end, policy.listedPerCause),
      recipients: await tenantRecipients(db, tenant.id),
      createdAt: now,
    });
    result.sent.push({ tenantId: tenant.id, kind: "DIGEST", alertId: sent.alertId, recipients: sent.deliveries.length });
    summary = { failures, changes: changes.length, alertId: sent.alertId, recipients: sent.deliveries.length };
  }
  await finishJob(db, "alerts-digest", tenant.id, window.key, summary);
}

const SUBSCRIPTIONS_CHECKED = "shopify.webhook_subscriptions" satisfies AuditAction;
/** The merchant's Overview says support has been told of this; the support digest is how. */
const SUBSCRIPTIONS_FAILING = "Shopify webhook subscriptions could not be set up, so new orders may not reach us (see the winery's connection)";

/**
 * The window's audit events about Shopify deliveries, grouped by winery (or the shop named, when unknown) and kind,
 * with the webhook subscription checks that failed.
 */
async function webhookNotices(db: Db, window: { start: Date; end: Date }): Promise<WebhookNotice[]> {
  const rows = await db.$queryRaw<{ tenant: string; action: string; count: number; reason: string | null }[]>`
    SELECT left(coalesce(t."name", a."details"->>'headerShop', 'a shop we do not know'), 200) AS "tenant", a."action",
           count(*)::int AS "count",
           left((array_agg(coalesce(a."details"->>'reason', a."details"->'failures'->0->>'message') ORDER BY a."createdAt" DESC))[1], 300) AS "reason"
    FROM "AuditEvent" a LEFT JOIN "Tenant" t ON t."id" = a."tenantId"
    WHERE (a."action" = ANY(${Object.keys(WEBHOOK_NOTICES)}::text[])
           OR (a."action" = ${SUBSCRIPTIONS_CHECKED} AND jsonb_typeof(a."details"->'failures') = 'array' AND jsonb_array_length(a."details"->'failures') > 0))
      AND a."createdAt" >= ${window.start} AND a."createdAt" < ${window.end}
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  return rows.map((r) => ({ tenant: r.tenant, what: WEBHOOK_NOTICES[r.action] ?? SUBSCRIPTIONS_FAILING, count: r.count, reason: r.reason }));
}

async function supportDigest(db: Db, now: Date, deps: AlertDeps, policy: AlertPolicy, result: AlertCycleResult): Promise<void> {
  const window = lastCompleteWindow(now, policy.digestWindowMs);
  const [failure, opened, notices, stuckDue, overdueDue] = await Promise.all([
    db.alertFailure.findFirst({ where: { supportDigestId: null, seenAt: { lt: window.end } }, select: { orderSyncId: true } }),
    db.alertState.findFirst({ where: { open: true, supportSeen: false, openedAt: { lt: window.end } }, select: { tenantId: true } }),
    webhookNotices(db, window),
    stuckSetupsDue(db, now),
    overdueChangesDue(db, now),
  ]);
  if (!failure && !opened && notices.length === 0 && !stuckDue && !overdueDue) return;
  if (!(await claimJob(db, "alerts-support-digest", "all", window.key, deps.owner, now))) return;
  const stuck = stuckDue ? await takeStuckSetups(db, now, deps.owner) : [];
  const alertId = randomUUID();
  const taken = await db.$queryRaw<{ tenantId: string; cause: AlertCause | null; count: bigint }[]>`
    WITH taken AS (
      UPDATE "AlertFailure" SET "supportDigestId" = ${alertId}
      WHERE "supportDigestId" IS NULL AND "seenAt" < ${window.end}
      RETURNING "tenantId", "orderSyncId", "errorClass")
    SELECT taken."tenantId", ${takenCauseSql} AS "cause", count(*) AS count
    FROM taken LEFT JOIN "OrderSync" s ON s."id" = taken."orderSyncId" GROUP BY 1, 2`;
  const newConditions = await db.$queryRaw<{ tenantId: string; condition: keyof typeof CONDITION_WORDS }[]>`
    UPDATE "AlertState" SET "supportSeen" = true
    WHERE "open" = true AND "supportSeen" = false AND "openedAt" < ${window.end}
    RETURNING "tenantId", "condition"`;
  const overdueChanges = overdueDue ? await takeOverdueChanges(db, now, alertId, deps.owner) : [];
  const tenantIds = [...new Set([...taken.map((t) => t.tenantId), ...newConditions.map((c) => c.tenantId)])];
  const names = new Map((await db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  const rows = new Map<string, { tenant: string; counts: { cause: AlertCause | null; count: number }[] }>();
  for (const t of taken) {
    const row = rows.get(t.tenantId) ?? { tenant: names.get(t.tenantId) ?? t.tenantId, counts: [] };
    row.counts.push({ cause: t.cause, count: Number(t.count) });
    rows.set(t.tenantId, row);
  }
  const failures = taken.reduce((sum, t) => sum + Number(t.count), 0);
  let summary: Prisma.InputJsonValue = { failures, conditions: newConditions.length, webhookNotices: notices.length, overdueChanges: overdueChanges.length };
  if (failures > 0 || newConditions.length > 0 || notices.length > 0 || stuck.length > 0 || overdueChanges.length > 0) {
    const sent = await deliverAlert(db, deps, {
      id: alertId,
      tenantId: null,
      kind: "SUPPORT_DIGEST",
      failureCount: failures,
      content: withOverdueChanges(deps.appUrl, overdueChanges, withStuckSetups(deps.appUrl, stuck, supportDigestAlert(
        deps.appUrl,
        [...rows.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
        newConditions.map((c) => ({ tenant: names.get(c.tenantId) ?? c.tenantId, condition: CONDITION_WORDS[c.condition] })),
        window.end,
        notices,
      ))),
      recipients: await supportRecipients(db, deps.supportWebhookUrl),
      createdAt: now,
    });
    result.sent.push({ tenantId: null, kind: "SUPPORT_DIGEST", alertId: sent.alertId, recipients: sent.deliveries.length });
    summary = { failures, conditions: newConditions.length, webhookNotices: notices.length, overdueChanges: overdueChanges.length, alertId: sent.alertId, recipients: sent.deliveries.length };
  }
  await finishJob(db, "alerts-support-digest", "all", window.key, summary);
}

type TenantRowOrId = TenantRow | string;

async function loadTenant(db: Db, tenant: TenantRowOrId): Promise<TenantRow | null> {
  if (typeof tenant !== "string") return tenant;
  return db.tenant.findUnique({ where: { id: tenant }, select: { id: true, name: true, status: true, silenceAlertMinutes: true } });
}

function collector(deps: AlertDeps) {
  const result: AlertCycleResult = { sent: [], cleared: [], errors: [] };
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      result.errors.push(message);
      deps.log?.(`[alerts] ${message}`);
    }
  };
  return { result, step };
}

async function tenantSteps(db: Db, tenant: TenantRow, now: Date, deps: AlertDeps, policy: AlertPolicy, c: ReturnType<typeof collector>): Promise<void> {
  await c.step(`${tenant.name}: failures`, async () => {
    await ingestFailures(db, tenant.id, now, policy);
    await immediateAlerts(db, tenant, now, deps, policy, c.result);
  });
  await c.step(`${tenant.name}: silence`, () => silenceWarning(db, tenant, now, deps, c.result));
  await c.step(`${tenant.name}: digest`, () => tenantDigest(db, tenant, now, deps, policy, c.result));
}

/** One winery's part of the cycle: its failures, immediate alerts, silence warning and digest. */
export async function runTenantAlerts(db: Db, tenant: TenantRowOrId, now: Date, deps: AlertDeps): Promise<AlertCycleResult> {
  const c = collector(deps);
  const row = await loadTenant(db, tenant);
  if (row) await tenantSteps(db, row, now, deps, { ...ALERT_POLICY, ...deps.policy }, c);
  return c.result;
}

/** The support team's cross-winery digest of the window that just ended. */
export async function runSupportDigest(db: Db, now: Date, deps: AlertDeps): Promise<AlertCycleResult> {
  const c = collector(deps);
  await c.step("support digest", () => supportDigest(db, now, deps, { ...ALERT_POLICY, ...deps.policy }, c.result));
  return c.result;
}

const DAY_MS = 24 * 60 * 60_000;

/** Once a day: alerts, and ledger entries already in both digests, older than the retention period go. */
async function pruneOldAlerts(db: Db, now: Date, deps: AlertDeps, policy: AlertPolicy): Promise<void> {
  const day = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS).toISOString();
  if (!(await claimJob(db, "alerts-prune", "all", day, deps.owner, now))) return;
  const cutoff = new Date(now.getTime() - policy.retentionDays * DAY_MS);
  const [ledger, alerts] = await db.$transaction([
    db.alertFailure.deleteMany({ where: { seenAt: { lt: cutoff }, digestId: { not: null }, supportDigestId: { not: null } } }),
    db.alert.deleteMany({ where: { createdAt: { lt: cutoff } } }),
  ]);
  await finishJob(db, "alerts-prune", "all", day, { cutoff: cutoff.toISOString(), ledger: ledger.count, alerts: alerts.count });
}

/**
 * One alert cycle over every winery, then the support digest. The scheduler calls it about once a minute on every
 * instance; one winery's trouble does not stop the others.
 */
export async function runAlertCycle(db: Db, now: Date, deps: AlertDeps): Promise<AlertCycleResult> {
  const policy = { ...ALERT_POLICY, ...deps.policy };
  const c = collector(deps);
  const tenants = await db.tenant.findMany({
    where: { status: { not: "UNINSTALLED" } },
    select: { id: true, name: true, status: true, silenceAlertMinutes: true },
    orderBy: { id: "asc" },
  });
  for (const tenant of tenants) await tenantSteps(db, tenant, now, deps, policy, c);
  await c.step("support digest", () => supportDigest(db, now, deps, policy, c.result));
  await c.step("pruning old alerts", () => pruneOldAlerts(db, now, deps, policy));
  return c.result;
}
