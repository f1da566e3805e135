// compliance:export writes every record we store about one customer, for a customers/data_request, and nothing of
// anyone else's.
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Prisma } from "@/server/generated/prisma/client";
import { createPrisma } from "@/server/db";
import { runCli } from "../main";

const db = createPrisma();
const cli = (...argv: string[]) => runCli(argv, async () => db, "support@winehub.test");
const stamp = Date.now().toString(36);
afterAll(() => db.$disconnect());

const JANE = { id: 7301122334455, email: "jane@example.com", name: "Jane Citizen" };
const BOB = { id: 7301122339999, email: "bob@example.org", name: "Bob Smith" };

async function orderFor(tenantId: string, person: typeof JANE, n: number) {
  const gid = `gid://shopify/Order/${stamp}${n}`;
  const payload = { id: n, admin_graphql_api_id: gid, name: `#${n}`, email: person.email, customer: { id: person.id, email: person.email, first_name: person.name }, line_items: [{ sku: "21SHZ750", quantity: 1 }] };
  const sync = await db.orderSync.create({ data: { tenantId, orderGid: gid, orderName: `#${n}`, source: "WEBHOOK", status: "SYNCED", payload: payload as Prisma.InputJsonValue } });
  await db.syncAttempt.create({
    data: { orderSyncId: sync.id, tenantId, step: "CREATE", outcome: "OK", durationMs: 10, trigger: "worker", request: { description: `Shopify #${n} for ${person.name} <${person.email}>` } },
  });
  return sync;
}

describe("compliance:export", () => {
  it("writes the customer's orders, their attempts and the audit events naming them, and nothing of another customer's", async () => {
    const shop = `export-${stamp}.myshopify.com`;
    const tenant = await db.tenant.create({ data: { name: "Export Estate", shopDomain: shop } });
    const janes = [await orderFor(tenant.id, JANE, 1001), await orderFor(tenant.id, JANE, 1003)];
    const bobs = await orderFor(tenant.id, BOB, 1002);
    await db.auditEvent.create({ data: { tenantId: tenant.id, action: "compliance.customer_data_request", details: { customerId: String(JANE.id), orders: [{ orderGid: janes[0].orderGid }] } } });
    await db.auditEvent.create({ data: { tenantId: tenant.id, action: "compliance.customer_data_request", details: { customerId: String(BOB.id), orders: [{ orderGid: bobs.orderGid }] } } });

    const out = path.join(await mkdtemp(path.join(tmpdir(), "compliance-")), "jane.json");
    const run = await cli("compliance:export", "--shop", shop, "--customer", String(JANE.id), "--out", out);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Wrote 2 orders, 2 sync attempts, 1 audit event and 0 stored deliveries about customer ${JANE.id} of Export Estate to ${out}.`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, "utf8");
    const data = JSON.parse(text) as { customerId: string; orders: { orderGid: string; payload: unknown; attempts: { request: unknown }[] }[]; auditEvents: { details: unknown }[] };
    expect(data.customerId).toBe(String(JANE.id));
    expect(data.orders.map((o) => o.orderGid)).toEqual(janes.map((o) => o.orderGid));
    expect(data.orders[0].payload).toMatchObject({ email: JANE.email, customer: { id: JANE.id } });
    expect(data.orders[0].attempts[0].request).toEqual({ description: `Shopify #1001 for ${JANE.name} <${JANE.email}>` });
    expect(data.auditEvents).toHaveLength(1);
    for (const bobsData of [BOB.email, BOB.name, String(BOB.id), bobs.orderGid, bobs.id]) expect(text).not.toContain(bobsData);

    // To standard output, the same JSON; the customer as its GID is understood too.
    const stdout = await cli("compliance:export", "--shop", shop, "--customer", `gid://shopify/Customer/${JANE.id}`);
    expect(stdout.exitCode).toBe(0);
    expect((JSON.parse(stdout.stdout) as { orders: unknown[] }).orders).toHaveLength(2);
    // Each export is on the record.
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "compliance.customer_data_exported", actorEmail: "support@winehub.test" } })).toBe(2);
  });

  it("explains itself with --help and refuses a bad customer id or an unknown shop", async () => {
    const help = await cli("compliance:export", "--help");
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("--customer ID");
    expect(help.stdout).toContain("--out FILE");
    const bad = await cli("compliance:export", "--shop", `x-${stamp}.myshopify.com`, "--customer", "jane");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--customer: must be Shopify's customer id");
    const unknown = await cli("compliance:export", "--shop", `nobody-${stamp}.myshopify.com`, "--customer", "1");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(`error: --shop: no winery has the shop nobody-${stamp}.myshopify.com\n`);
  });
});
