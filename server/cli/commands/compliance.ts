// Shopify's customers/data_request is answered by a person: the Audit log entry it leaves names this command, which
// writes every record we store about the customer (their orders' sync records as Shopify sent them, each sync
// attempt, the audit events that name them, stored deliveries) as JSON, for the merchant to pass on.
import "server-only";
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import { shopFlag, tenantByShop, valueFlag } from "@/server/cli/flags";
import { defineCommand, type CliCommand } from "@/server/cli/types";
import { customerDataExport } from "@/server/shopify/webhooks/compliance";

/** Shopify's customer id, as the data request gives it (7301122334455) or as its GID. */
const customerIdSchema = z
  .string()
  .trim()
  .transform((typed) => typed.replace(/^gid:\/\/shopify\/Customer\//, ""))
  .pipe(z.string().regex(/^\d{1,20}$/, "must be Shopify's customer id, e.g. 7301122334455"));

const complianceExport = defineCommand({
  name: "compliance:export",
  summary: "Write every stored record about one customer (orders, sync attempts, audit events) as JSON, for a customers/data_request.",
  flags: {
    shop: shopFlag,
    customer: valueFlag("ID", "Shopify's customer id, as the data request's Audit log entry shows it", customerIdSchema),
    out: valueFlag("FILE", "write the JSON to this file (readable by you only) instead of standard output", z.string().trim().min(1, "needs a file name").optional()),
  },
  async run(o, ctx) {
    const tenant = await tenantByShop(ctx.db, o.shop);
    const data = await customerDataExport(ctx.db, tenant, o.customer);
    const counts = { orders: data.orders.length, attempts: data.orders.reduce((n, order) => n + order.attempts.length, 0), auditEvents: data.auditEvents.length, webhookDeliveries: data.webhookDeliveries.length };
    await recordAudit(ctx.db, { action: "compliance.customer_data_exported", actor: { email: ctx.actor }, tenantId: tenant.id, details: { customerId: o.customer, ...counts, to: o.out ? "file" : "stdout" } });
    const json = JSON.stringify(data, null, 2);
    if (!o.out) return { text: json, json: data };
    // Personal data: the file is the operator's alone.
    await writeFile(o.out, `${json}\n`, { mode: 0o600 });
    const text = `Wrote ${counts.orders} order${counts.orders === 1 ? "" : "s"}, ${counts.attempts} sync attempt${counts.attempts === 1 ? "" : "s"}, ${counts.auditEvents} audit event${counts.auditEvents === 1 ? "" : "s"} and ${counts.webhookDeliveries} stored deliver${counts.webhookDeliveries === 1 ? "y" : "ies"} about customer ${o.customer} of ${tenant.name} to ${o.out}.`;
    return { text, json: { file: o.out, customerId: o.customer, ...counts } };
  },
});

export const commands: CliCommand[] = [complianceExport];
