// Operator commands for the sync engine: bulk retry (preview with --dry-run, else confirm), an order's or a
// winery's sync status, and reconciliation on demand. They call the same services as the dashboard.
import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";
import { shopFlag, switchFlag, valueFlag, tenantByShop } from "@/server/cli/flags";
import { defineCommand, type CliCommand } from "@/server/cli/types";
import { confirmRetry, previewRetry, type RetryDeps, type RetryVerdict } from "@/server/orders/bulk-retry";
import { adminFromTokens, vintraceFromSettings, type AdminFor } from "@/server/sync/context";
import { reconcileTenant, RECONCILE_LOOKBACK_DAYS } from "@/server/sync/reconcile";
import { orderStatusByName, tenantSyncSummary, type OrderStatusView } from "@/server/orders/status";

export interface OrderCommandDeps {
  adminFor?: (db: Db) => AdminFor;
  retryDeps?: (db: Db) => RetryDeps;
}


const column = (text: string, width: number) => (text.length >= width ? `${text} ` : text.padEnd(width));

function verdictLine(v: RetryVerdict & { action?: string }): string {
  const label = v.action && v.action !== "none" ? v.action : v.verdict;
  return `${column(v.name, 14)}${column(label, 16)}${v.message}`;
}

function statusLine(view: OrderStatusView): string {
  const what = view.salesOrder?.code ?? view.error?.message ?? view.reason ?? (view.inProgress ? "being synced now" : "");
  return `${column(view.name, 14)}${column(view.status, 9)}${column(`tag:${view.tag.state}`, 22)}${what}`;
}

export function createOrderCommands(deps: OrderCommandDeps = {}): CliCommand[] {
  const retryDepsFor = (db: Db): RetryDeps => deps.retryDeps?.(db) ?? { adminFor: adminFromTokens(db), vintraceFor: vintraceFromSettings(db) };

  const retry = defineCommand({
    name: "orders:retry",
    summary: "Retry orders by name: --dry-run shows what would happen and changes nothing; without it, they are queued.",
    flags: {
      shop: shopFlag,
      names: valueFlag('"#1001, 1002 …"', "the orders' names, separated by commas or spaces", z.string().trim().min(1, "is required")),
      "dry-run": switchFlag("show what would happen and change nothing"),
    },
    async run(o, ctx) {
      const tenant = await tenantByShop(ctx.db, o.shop);
      const retryDeps = retryDepsFor(ctx.db);
      if (o["dry-run"]) {
        const preview = await previewRetry(ctx.db, tenant.id, o.names, retryDeps);
        if (!preview.ok) return { text: preview.error, json: preview, exitCode: 1 };
        const counts = Object.entries(preview.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ");
        const text = [...preview.verdicts.map(verdictLine), "", `Preview only, nothing changed: ${counts || "no names"}. Run again without --dry-run to queue.`].join("\n");
        return { text, json: preview };
      }
      const confirmed = await confirmRetry(ctx.db, tenant.id, o.names, { email: ctx.actor }, retryDeps);
      if (!confirmed.ok) return { text: confirmed.error, json: confirmed, exitCode: 1 };
      const { queued, tag_queued: tagQueued } = confirmed.counts;
      const text = [
        ...confirmed.results.map(verdictLine),
        "",
        `${queued} queued, ${tagQueued} tag correction${tagQueued === 1 ? "" : "s"} queued. Follow them with orders:status --shop ${o.shop} --name <name>.`,
      ].join("\n");
      const failed = confirmed.results.some((r) => r.verdict === "not_found" || r.verdict === "refused");
      return { text, json: confirmed, exitCode: failed ? 1 : 0 };
    },
  });

  const status = defineCommand({
    name: "orders:status",
    summary: "An order's sync status and attempt history, or the winery's counts and latest orders.",
    flags: { shop: shopFlag, name: valueFlag("N", "one order's name, e.g. 1001 or #1001", z.string().trim().min(1, "is required").optional()) },
    async run(o, ctx) {
      const tenant = await tenantByShop(ctx.db, o.shop);
      if (o.name) {
        const views = await orderStatusByName(ctx.db, tenant.id, o.name);
        if (views.length === 0) return { text: `No order named ${o.name} has reached the sync yet.`, json: { orders: [] }, exitCode: 1 };
        const text = views
          .map((v) =>
            [
              statusLine(v),
              ...(v.error ? [`  error (${v.error.errorClass}): ${v.error.message}`, ...(v.error.fix ? [`  fix on the ${v.error.fix.where} page: ${v.error.fix.howTo}`] : []), `  ${v.error.retry}`] : []),
              ...(v.tag.error ? [`  tag: ${v.tag.error}`] : []),
              ...v.warnings.map((w) => `  warning: ${w}`),
              ...(v.history ?? []).map((h) => `  ${h.at}  ${column(h.step, 9)}${column(h.outcome, 10)}${column(h.trigger, 22)}${h.message ?? ""}`),
            ].join("\n"),
          )
          .join("\n\n");
        return { text, json: { orders: views } };
      }
      const summary = await tenantSyncSummary(ctx.db, tenant.id);
      const counts = Object.entries(summary.counts).map(([k, n]) => `${k.toLowerCase()} ${n}`).join(", ");
      const text = [`${tenant.name} (${tenant.shopDomain}), ${tenant.status.toLowerCase()}: ${counts}; tags pending ${summary.tagsPending}`, "", ...summary.recent.map(statusLine)].join("\n");
      return { text, json: summary };
    },
  });

  const reconcile = defineCommand({
    name: "orders:reconcile",
    summary: `Find the shop's orders of the last ${RECONCILE_LOOKBACK_DAYS} days (or N, at most 60) that carry no sync tag and are unknown here, and queue them.`,
    flags: {
      shop: shopFlag,
      days: valueFlag("N", `how many days back to look (default ${RECONCILE_LOOKBACK_DAYS}, at most 60)`, z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(60, "must be at most 60").optional()),
    },
    async run(o, ctx) {
      const tenant = await tenantByShop(ctx.db, o.shop);
      const adminFor = deps.adminFor?.(ctx.db) ?? adminFromTokens(ctx.db);
      const result = await reconcileTenant({ db: ctx.db, adminFor }, tenant.id, { lookbackDays: o.days });
      if (result.skipped) return { text: `Not reconciled: ${result.skipped}.`, json: result, exitCode: 1 };
      const text = [
        `Examined ${result.examined} untagged order${result.examined === 1 ? "" : "s"}: ${result.queued.length} queued, ${result.known} already known, ${result.cancelled} cancelled, ${result.tooRecent} too recent (left to their webhook).`,
        ...result.queued.map((q) => `  queued ${q.name}`),
      ].join("\n");
      return { text, json: result };
    },
  });

  return [retry, status, reconcile];
}

export const commands: CliCommand[] = createOrderCommands();
