import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { setTestEnv } from "@/test/env";

const db = createPrisma();
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const caller = (user: CurrentUser) => createCaller({ db, user });
let a: { id: string };
let b: { id: string };
let owner: CurrentUser;
let staff: CurrentUser;
let support: CurrentUser;

beforeAll(async () => {
  setTestEnv({ OUTBOUND_ALLOWLIST: "http://127.0.0.1:9" });
  a = await db.tenant.create({ data: { name: `Router A ${unique()}`, shopDomain: `ra-${unique()}.myshopify.com` } });
  b = await db.tenant.create({ data: { name: `Router B ${unique()}`, shopDomain: `rb-${unique()}.myshopify.com` } });
  const make = async (role: "OWNER" | "STAFF") => {
    const u = await db.user.create({ data: { email: `${role.toLowerCase()}-${unique()}@a.test`, memberships: { create: { tenantId: a.id, role } } } });
    return { id: u.id, email: u.email, name: null, role: "MERCHANT" as const, tenantIds: [a.id], ownerOf: role === "OWNER" ? [a.id] : [] };
  };
  owner = await make("OWNER");
  staff = await make("STAFF");
  const s = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT" } });
  support = { id: s.id, email: s.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
  await db.alert.create({ data: { tenantId: b.id, kind: "TEST", subject: "B's alert", text: "secret to B" } });
});
afterAll(() => db.$disconnect());

describe("the alerts router", () => {
  it("keeps each winery's alerts and settings to its own users", async () => {
    await expect(caller(owner).alerts.list({ tenantId: b.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller(owner).alerts.settings({ tenantId: b.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller(owner).alerts.setOptIn({ tenantId: b.id, enabled: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Without a winery, a merchant's list holds their own wineries' alerts only, never the support team's digests.
    expect((await caller(owner).alerts.list({})).items).toEqual([]);
    await expect(caller(owner).alerts.setSupportOptIn({ enabled: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await caller(support).alerts.list({ tenantId: b.id })).items.map((i) => i.subject)).toEqual(["B's alert"]);
    expect((await caller(owner).alerts.list({ tenantId: a.id })).items).toEqual([]);
  });

  it("gives support staff without a winery their cross-winery digests", async () => {
    await db.alert.create({ data: { tenantId: null, kind: "SUPPORT_DIGEST", subject: `Digest ${unique()}`, text: "every winery" } });
    const subjects = (await caller(support).alerts.list({ limit: 100 })).items.map((i) => i.subject);
    expect(subjects).toEqual(expect.arrayContaining([expect.stringMatching(/^Digest /)]));
    expect(subjects).not.toContain("B's alert");
  });

  it("only owners (and support) manage webhooks and the silence threshold; addresses are checked", async () => {
    await expect(caller(staff).alerts.addWebhook({ tenantId: a.id, label: "x", url: "https://hooks.slack.com/services/a" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller(staff).alerts.setSilenceThreshold({ tenantId: a.id, minutes: 60 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const bad = caller(owner).alerts.addWebhook({ tenantId: a.id, label: "x", url: "http://10.0.0.1/hook" });
    await expect(bad).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(bad).rejects.toThrow(/https/);
    const hook = await caller(owner).alerts.addWebhook({ tenantId: a.id, label: "Team Slack", url: "https://hooks.slack.com/services/T/B/secretpart" });
    await caller(support).alerts.addWebhook({ tenantId: a.id, label: "Local", url: "http://127.0.0.1:9/hooks/x" });
    await expect(caller(owner).alerts.setSilenceThreshold({ tenantId: a.id, minutes: 5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await caller(owner).alerts.setSilenceThreshold({ tenantId: a.id, minutes: 240 })).toEqual({ silenceAlertMinutes: 240 });
    const settings = await caller(staff).alerts.settings({ tenantId: a.id });
    expect(settings.canManage).toBe(false);
    expect(settings.silenceAlertMinutes).toBe(240);
    expect(settings.webhooks.map((w) => [w.label, w.origin])).toEqual([["Team Slack", "https://hooks.slack.com"], ["Local", "http://127.0.0.1:9"]]);
    expect(JSON.stringify(settings)).not.toContain("secretpart");
    await expect(caller(owner).alerts.removeWebhook({ tenantId: b.id, webhookId: hook.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await caller(owner).alerts.removeWebhook({ tenantId: a.id, webhookId: hook.id })).toEqual({ removed: true });
  });

  it("each user manages only their own opt-in", async () => {
    expect(await caller(staff).alerts.setOptIn({ tenantId: a.id, enabled: true })).toEqual({ alertEmails: true });
    expect((await caller(staff).alerts.myOptIns()).tenants).toEqual([expect.objectContaining({ tenantId: a.id, alertEmails: true })]);
    expect((await caller(owner).alerts.myOptIns()).tenants).toEqual([expect.objectContaining({ tenantId: a.id, alertEmails: false })]);
    expect((await caller(owner).alerts.settings({ tenantId: a.id })).emailRecipients).toEqual([staff.email]);
    await expect(caller(support).alerts.setOptIn({ tenantId: a.id, enabled: true })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await caller(support).alerts.setSupportOptIn({ enabled: true })).toEqual({ supportDigest: true });
    expect((await caller(support).alerts.myOptIns()).supportDigest).toBe(true);
    expect((await caller(owner).alerts.myOptIns()).supportDigest).toBeNull();
  });
});
