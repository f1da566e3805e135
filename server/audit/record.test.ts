import { afterAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/server/audit/record";
import { createPrisma } from "@/server/db";
import { setTestEnvironment } from "@/test/database";

setTestEnvironment();
const db = createPrisma();
afterAll(() => db.$disconnect());

describe("recordAudit", () => {
  it("writes who did what, where, with its details, at the time given", async () => {
    const tenant = await db.tenant.create({ data: { name: "Audited", shopDomain: `audited-${Date.now().toString(36)}.myshopify.com` } });
    const at = new Date("2026-11-30T10:00:00Z");
    await recordAudit(db, { action: "tenant.paused", actor: { id: null, email: "owner@winery.test" }, tenantId: tenant.id, details: { held: 2 }, at });
    const row = await db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row).toMatchObject({ action: "tenant.paused", actorId: null, actorEmail: "owner@winery.test", details: { held: 2 }, createdAt: at });
  });

  it("goes into a batch transaction with the change it records", async () => {
    const tenant = await db.tenant.create({ data: { name: "Batched", shopDomain: `batched-${Date.now().toString(36)}.myshopify.com` } });
    await db.$transaction([
      db.tenant.update({ where: { id: tenant.id }, data: { silenceAlertMinutes: 30 } }),
      recordAudit(db, { action: "alerts.silence_threshold", tenantId: tenant.id }),
    ]);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "alerts.silence_threshold", actorEmail: null } })).toBe(1);
  });
});
