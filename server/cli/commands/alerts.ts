import "server-only";
import { hostname } from "node:os";
import { alertDepsFromEnv, runAlertCycle } from "@/server/alerts/cycle";
import { sendTestAlert } from "@/server/alerts/settings";
import { defineCommand, type CliCommand } from "@/server/cli/types";
import { shopFlag, tenantByShop } from "@/server/cli/flags";

const owner = () => `cli:${hostname()}:${process.pid}`;

const alertsTest = defineCommand({
  name: "alerts:test",
  summary: "Send a test alert to the winery's recipients (users who opted in, chat webhooks) and say who got it.",
  flags: { shop: shopFlag },
  async run(o, ctx) {
    const tenant = await tenantByShop(ctx.db, o.shop);
    const sent = await sendTestAlert(ctx.db, tenant.id, ctx.actor, alertDepsFromEnv(owner()));
    const json = { tenant: tenant.name, alertId: sent.alertId, deliveries: sent.deliveries };
    if (sent.deliveries.length === 0) {
      return {
        text: `${tenant.name} has no alert recipients: users opt in on their Account page, and owners add chat webhooks on the Alerts page.`,
        json,
        exitCode: 1,
      };
    }
    const lines = sent.deliveries.map((d) => `  ${d.ok ? "sent  " : "FAILED"} ${d.channel === "EMAIL" ? "mail" : "chat"} ${d.recipient}${d.error ? `: ${d.error}` : ""}`);
    const failed = sent.deliveries.filter((d) => !d.ok).length;
    return { text: [`Test alert for ${tenant.name}:`, ...lines].join("\n"), json, exitCode: failed > 0 ? 1 : 0 };
  },
});

const alertsRun = defineCommand({
  name: "alerts:run",
  summary: "Run one alert cycle now (immediate alerts, silence warnings, due digests); the scheduler does this every minute.",
  flags: {},
  async run(_o, ctx) {
    const result = await runAlertCycle(ctx.db, new Date(), alertDepsFromEnv(owner()));
    const lines = [
      ...result.sent.map((s) => `  sent ${s.kind} (${s.tenantId ?? "support"}) to ${s.recipients} recipient${s.recipients === 1 ? "" : "s"}`),
      ...result.cleared.map((c) => `  cleared ${c.condition} (${c.tenantId})`),
      ...result.errors.map((e) => `  error: ${e}`),
    ];
    return { text: lines.length ? ["Alert cycle:", ...lines].join("\n") : "Alert cycle: nothing to send.", json: result, exitCode: result.errors.length ? 1 : 0 };
  },
});

export const commands: CliCommand[] = [alertsTest, alertsRun];
