// The Overview: for each winery, how many orders synced, failed and wait; the success rate; the last successful
// sync; 14 days of daily counts; what is wrong right now (silence, a failing connection, webhook subscriptions); and,
// for a winery in setup, where it is in the setup wizard and for how long.
// Support staff get the same for every winery at once, and the failures grouped by cause across wineries.
import "server-only";
import { Prisma, type TenantStatus } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { CAUSE_INFO, CAUSES, type Cause, type CauseInfo } from "../../lib/causes";
import { setupProgress, type SetupProgress } from "../../lib/setup-steps";
import { causeSql } from "../orders/cause-sql";
import { taxPolicyMismatch, taxPolicyMismatchMessage } from "../settings/tax-policy";

export const CHART_DAYS = 14;
/** How far back a configuration failure still says "the connection is failing". */
export const CONNECTION_WINDOW_MS = 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

export type WarningKind = "SILENCE" | "CONNECTION" | "WEBHOOKS" | "SHOPIFY_DISCONNECTED" | "VINTRACE_NOT_SET_UP" | "SETUP" | "PAUSED" | "UNINSTALLED" | "TAX_POLICY";

export interface Warning {
  kind: WarningKind;
  severity: "error" | "warning" | "info";
  message: string;
  /** where to look or fix it; null when the viewer can only read what to do */
  href: string | null;
  action: string | null;
  /** support's own link, for a problem that support fixes (its pages are support-only) */
  supportLink?: { href: string; action: string };
}

export interface DayCount {
  /** YYYY-MM-DD, UTC */
  day: string;
  synced: number;
  failed: number;
  other: number;
}

export interface TenantHealth {
  tenantId: string;
  name: string;
  shopDomain: string;
  status: TenantStatus;
  synced: number;
  failed: number;
  skipped: number;
  /** waiting now: pending or held, any age */
  pending: number;
  /** synced / (synced + failed) over the chart's days; null with neither */
  successRate: number | null;
  lastSyncedAt: Date | null;
  days: DayCount[];
  warnings: Warning[];
  /** in setup: the wizard's step, how long on it, and whether it is stuck there; null otherwise */
  setup: SetupProgress | null;
}

export interface FailureGroup extends CauseInfo {
  cause: Cause;
  orders: number;
  tenants: number;
  /** the wineries with the most such failures first */
  byTenant: { tenantId: string; name: string; orders: number }[];
  /**
   * Refusals whose words no check recognised, one entry per text vintrace wrote (the most orders first): a message
   * vintrace starts sending shows up as one entry, however many wineries it hits. Only on the UNRECOGNISED group.
   */
  byText?: { text: string | null; orders: number; tenants: number }[];
}

function tenantFilter(column: Prisma.Sql, tenantIds: string[] | null): Prisma.Sql {
  if (tenantIds === null) return Prisma.sql`true`;
  if (tenantIds.length === 0) return Prisma.sql`false`;
  return Prisma.sql`${column} IN (${Prisma.join(tenantIds)})`;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const q = (tenantId: string) => `winery=${encodeURIComponent(tenantId)}`;

export function chartStart(now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (CHART_DAYS - 1) * DAY_MS);
}

interface CountsRow {
  tenantId: string;
  day: Date;
  synced: number;
  failed: number;
  skipped: number;
  other: number;
}

interface TimingRow {
  tenantId: string;
  lastSyncedAt: Date | null;
  firstWaitingAt: Date | null;
  waiting: number | null;
  pending: number;
}

interface ConnectionRow {
  tenantId: string;
  failures: number;
  lastErrorClass: string;
  lastErrorMessage: string | null;
}

/** Health of the given wineries (every winery when null), newest problems first within each. */
export async function tenantHealth(db: Db, tenantIds: string[] | null, now = new Date()): Promise<TenantHealth[]> {
  const since = chartStart(now);
  const connectionSince = new Date(now.getTime() - CONNECTION_WINDOW_MS);
  const [tenants, counts, timings, connection] = await Promise.all([
    db.tenant.findMany({
      where: tenantIds === null ? {} : { id: { in: tenantIds } },
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        shopDomain: true,
        status: true,
        setupStep: true,
        setupStepSince: true,
        // the Alerts page's silence threshold: the Overview warns when the alert would fire, not on a fixed clock
        silenceAlertMinutes: true,
        shopify: { select: { revokedAt: true, subscriptionsProblem: true } },
        vintrace: { select: { tenantId: true, taxPolicy: true, vintraceTaxPolicy: true, vintraceTaxPolicyAt: true } },
      },
    }),
    db.$queryRaw<CountsRow[]>`
      SELECT s."tenantId", date_trunc('day', s."createdAt") AS day,
             count(*) FILTER (WHERE s.status = 'SYNCED')::int AS synced,
             count(*) FILTER (WHERE s.status = 'FAILED')::int AS failed,
             count(*) FILTER (WHERE s.status = 'SKIPPED')::int AS skipped,
             count(*) FILTER (WHERE s.status IN ('PENDING', 'HELD'))::int AS other
      FROM "OrderSync" s
      WHERE s."createdAt" >= ${since} AND ${tenantFilter(Prisma.sql`s."tenantId"`, tenantIds)}
      GROUP BY 1, 2`,
    // The last sync: the latest syncedAt of the chart's orders, or (for a winery quiet for longer) of its newest
    // synced order. Then the orders that arrived after it and are not through: if the oldest of them has waited
    // longer than the winery's silence threshold, the winery has gone silent.
    db.$queryRaw<TimingRow[]>`
      WITH last AS (
        SELECT t.id AS "tenantId", GREATEST(
          (SELECT max(s."syncedAt") FROM "OrderSync" s WHERE s."tenantId" = t.id AND s.status = 'SYNCED' AND s."createdAt" >= ${since}),
          (SELECT s."syncedAt" FROM "OrderSync" s WHERE s."tenantId" = t.id AND s.status = 'SYNCED' ORDER BY s."createdAt" DESC LIMIT 1)
        ) AS at
        FROM "Tenant" t
        WHERE ${tenantFilter(Prisma.sql`t.id`, tenantIds)}
      )
      SELECT l."tenantId", l.at AS "lastSyncedAt", w.first AS "firstWaitingAt", w.n AS waiting,
             (SELECT count(*)::int FROM "OrderSync" s WHERE s."tenantId" = l."tenantId" AND s.status IN ('PENDING', 'HELD')) AS pending
      FROM last l
      LEFT JOIN LATERAL (
        SELECT min(s."createdAt") AS first, count(*)::int AS n
        FROM "OrderSync" s
        WHERE s."tenantId" = l."tenantId" AND s.status IN ('PENDING', 'FAILED', 'HELD')
          AND s."createdAt" >= ${since} AND (l.at IS NULL OR s."createdAt" > l.at)
      ) w ON true`,
    db.$queryRaw<ConnectionRow[]>`
      SELECT DISTINCT ON (s."tenantId") s."tenantId", count(*) OVER (PARTITION BY s."tenantId")::int AS failures,
             s."lastErrorClass"::text AS "lastErrorClass", s."lastErrorMessage"
      FROM "OrderSync" s
      WHERE s.status IN ('FAILED', 'PENDING') AND s."createdAt" >= ${since} AND s."updatedAt" >= ${connectionSince}
        AND s."lastErrorClass" IN ('AUTH', 'CONFIG', 'NOT_FOUND') AND ${tenantFilter(Prisma.sql`s."tenantId"`, tenantIds)}
        -- A refused customer, price list or storage area has its own cause and fix: the connection itself works.
        AND s."lastErrorCause" IS NULL
        -- Settings saved since the failure: the connection was changed, so that failure says nothing about it now.
        AND NOT EXISTS (SELECT 1 FROM "VintraceSettings" v WHERE v."tenantId" = s."tenantId" AND v."updatedAt" > s."updatedAt")
      ORDER BY s."tenantId", s."updatedAt" DESC`,
  ]);

  const countsByTenant = new Map<string, CountsRow[]>();
  for (const row of counts) countsByTenant.set(row.tenantId, [...(countsByTenant.get(row.tenantId) ?? []), row]);
  const timingByTenant = new Map(timings.map((row) => [row.tenantId, row]));
  const connectionByTenant = new Map(connection.map((row) => [row.tenantId, row]));

  return tenants.map((tenant): TenantHealth => {
    const rows = countsByTenant.get(tenant.id) ?? [];
    const byDay = new Map(rows.map((row) => [isoDay(row.day), row]));
    const days: DayCount[] = Array.from({ length: CHART_DAYS }, (_, i) => {
      const day = isoDay(new Date(since.getTime() + i * DAY_MS));
      const row = byDay.get(day);
      return { day, synced: row?.synced ?? 0, failed: row?.failed ?? 0, other: (row?.other ?? 0) + (row?.skipped ?? 0) };
    });
    const synced = rows.reduce((n, r) => n + r.synced, 0);
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    const skipped = rows.reduce((n, r) => n + r.skipped, 0);
    const timing = timingByTenant.get(tenant.id);
    return {
      tenantId: tenant.id,
      name: tenant.name,
      shopDomain: tenant.shopDomain,
      status: tenant.status,
      synced,
      failed,
      skipped,
      pending: timing?.pending ?? 0,
      successRate: synced + failed > 0 ? synced / (synced + failed) : null,
      lastSyncedAt: timing?.lastSyncedAt ?? null,
      days,
      warnings: warningsFor(tenant, timing, connectionByTenant.get(tenant.id), now),
      setup: setupProgress(tenant, now),
    };
  });
}

function hoursSince(date: Date, now: Date): string {
  const hours = Math.floor((now.getTime() - date.getTime()) / (60 * 60 * 1000));
  return hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} h`;
}

function warningsFor(
  tenant: {
    id: string;
    status: TenantHealth["status"];
    silenceAlertMinutes: number;
    shopify: { revokedAt: Date | null; subscriptionsProblem: string | null } | null;
    vintrace: ({ tenantId: string } & Parameters<typeof taxPolicyMismatch>[0]) | null;
  },
  timing: TimingRow | undefined,
  connection: ConnectionRow | undefined,
  now: Date,
): Warning[] {
  const warnings: Warning[] = [];
  const settings = `/settings?${q(tenant.id)}`;
  if (tenant.status === "UNINSTALLED") {
    warnings.push({
      kind: "UNINSTALLED",
      severity: "error",
      message: "The app was uninstalled from this Shopify shop: no orders arrive until it is installed again.",
      href: `/wineries?${q(tenant.id)}`,
      action: "Reconnect the shop",
    });
  } else if (!tenant.shopify || tenant.shopify.revokedAt) {
    warnings.push({
      kind: "SHOPIFY_DISCONNECTED",
      severity: "error",
      message: "Shopify is not connected: no valid access token for this shop.",
      href: `/wineries?${q(tenant.id)}`,
      action: "Connect the shop",
    });
  }
  if (!tenant.vintrace) {
    warnings.push({ kind: "VINTRACE_NOT_SET_UP", severity: "error", message: "vintrace is not set up: add its address and an API key.", href: settings, action: "Open Settings" });
  }
  if (tenant.status === "SETUP") {
    warnings.push({
      kind: "SETUP",
      severity: "info",
      message: "Setup is not finished: orders from Shopify are stored and held, and nothing is sent to vintrace until you start sending orders.",
      href: settings,
      action: "Finish setup in Settings",
    });
  }
  if (tenant.status === "PAUSED") {
    warnings.push({ kind: "PAUSED", severity: "info", message: "Syncing is paused: orders are stored and held until it resumes.", href: settings, action: "Resume in Settings" });
  }
  if (connection) {
    const orders = connection.failures === 1 ? "1 order" : `${connection.failures} orders`;
    warnings.push({
      kind: "CONNECTION",
      severity: "error",
      message: `The vintrace connection is failing: ${orders} in the last 24 h (${connection.lastErrorMessage ?? connection.lastErrorClass}).`,
      href: settings,
      action: "Fix in Settings",
    });
  }
  if (tenant.shopify?.subscriptionsProblem) {
    warnings.push({
      kind: "WEBHOOKS",
      severity: "error",
      message:
        `Shopify may not be telling us about new orders: its webhook subscriptions for this shop are failing (${tenant.shopify.subscriptionsProblem}). ` +
        "Winehub support has been told and is fixing it. Meanwhile, check the sync log for orders you expected; " +
        "support can send any that are missing once it is fixed.",
      // The Wineries page is support's; a merchant reads what to do in the message itself.
      href: null,
      action: null,
      supportLink: { href: `/wineries?${q(tenant.id)}`, action: "See the connection" },
    });
  }
  if (tenant.status === "ACTIVE" && timing?.firstWaitingAt && now.getTime() - timing.firstWaitingAt.getTime() >= tenant.silenceAlertMinutes * 60_000) {
    const since = timing.lastSyncedAt ? `for ${hoursSince(timing.lastSyncedAt, now)}` : "yet";
    const waiting = timing.waiting === 1 ? "1 order has" : `${timing.waiting} orders have`;
    warnings.push({
      kind: "SILENCE",
      severity: "warning",
      message: `Orders arrive from Shopify but none has synced ${since}: ${waiting} waited since ${timing.firstWaitingAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
      href: `/orders?${q(tenant.id)}&status=PENDING,FAILED,HELD`,
      action: "See the waiting orders",
    });
  }
  const tax = taxPolicyMismatch(tenant.vintrace);
  if (tax) {
    warnings.push({ kind: "TAX_POLICY", severity: "warning", message: taxPolicyMismatchMessage(tax), href: settings, action: "Review in Settings" });
  }
  return warnings;
}

interface GroupRow {
  cause: Cause;
  tenantId: string;
  name: string;
  orders: number;
}

/** Orders that failed for good, grouped by cause (and then winery), the largest group first. */
export async function failureGroups(db: Db, tenantIds: string[] | null): Promise<FailureGroup[]> {
  const rows = await db.$queryRaw<GroupRow[]>`
    SELECT x.cause, x."tenantId", t.name, x.orders
    FROM (
      SELECT ${causeSql} AS cause, s."tenantId", count(*)::int AS orders
      FROM "OrderSync" s
      WHERE s.status = 'FAILED' AND s."lastErrorClass" IS NOT NULL AND ${tenantFilter(Prisma.sql`s."tenantId"`, tenantIds)}
      GROUP BY 1, 2
    ) x
    JOIN "Tenant" t ON t.id = x."tenantId"`;
  const groups = new Map<Cause, FailureGroup>();
  for (const row of rows) {
    if (!(CAUSES as readonly string[]).includes(row.cause)) continue;
    const info = CAUSE_INFO[row.cause];
    const group = groups.get(row.cause) ?? { cause: row.cause, ...info, orders: 0, tenants: 0, byTenant: [] };
    group.orders += row.orders;
    group.tenants += 1;
    group.byTenant.push({ tenantId: row.tenantId, name: row.name, orders: row.orders });
    groups.set(row.cause, group);
  }
  for (const group of groups.values()) group.byTenant.sort((a, b) => b.orders - a.orders || a.name.localeCompare(b.name));
  const unrecognised = groups.get("UNRECOGNISED");
  if (unrecognised) unrecognised.byText = await unrecognisedByText(db, tenantIds);
  return [...groups.values()].sort((a, b) => b.orders - a.orders);
}

/** The UNRECOGNISED refusals grouped by vintrace's words, across the given wineries. */
async function unrecognisedByText(db: Db, tenantIds: string[] | null): Promise<NonNullable<FailureGroup["byText"]>> {
  return db.$queryRaw<NonNullable<FailureGroup["byText"]>>`
    SELECT s."lastErrorVintraceText" AS text, count(*)::int AS orders, count(DISTINCT s."tenantId")::int AS tenants
    FROM "OrderSync" s
    WHERE s.status = 'FAILED' AND s."lastErrorClass" IS NOT NULL AND ${causeSql} = 'UNRECOGNISED'
      AND ${tenantFilter(Prisma.sql`s."tenantId"`, tenantIds)}
    GROUP BY 1
    ORDER BY 2 DESC, 1
    LIMIT 20`;
}

/** The failed orders of one cause, per winery, for a group's retry (at most `limit` per winery). */
export async function failedOrderNamesByCause(db: Db, tenantIds: string[] | null, cause: Cause, limit = 500): Promise<Map<string, string[]>> {
  const rows = await db.$queryRaw<{ tenantId: string; orderName: string }[]>`
    SELECT r."tenantId", r."orderName" FROM (
      SELECT s."tenantId", s."orderName", row_number() OVER (PARTITION BY s."tenantId" ORDER BY s."createdAt" DESC) AS n
      FROM "OrderSync" s
      WHERE s.status = 'FAILED' AND s."lastErrorClass" IS NOT NULL AND ${causeSql} = ${cause}
        AND ${tenantFilter(Prisma.sql`s."tenantId"`, tenantIds)}
    ) r WHERE r.n <= ${limit}`;
  const byTenant = new Map<string, string[]>();
  for (const row of rows) byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.orderName]);
  return byTenant;
}

/** The Overview of the given wineries (every winery when null): each one's health, and their failures by cause. */
export async function overview(db: Db, tenantIds: string[] | null): Promise<{ tenants: TenantHealth[]; failures: FailureGroup[] }> {
  const [tenants, failures] = await Promise.all([tenantHealth(db, tenantIds), failureGroups(db, tenantIds)]);
  return { tenants, failures };
}
