// The Users router against a real database and real SMTP: who may invite, what a removal does to the invitations the
// removed user sent, and two owners removing each other at once over two connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { acceptInvitation } from "@/server/auth/invitations";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma, type Db } from "@/server/db";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { setTestEnv } from "@/test/env";

const db = createPrisma();
// A second client: its own pool, so concurrent calls really run on separate connections.
const otherDb = createPrisma();
let catcher: MailCatcher;
let restoreEnv: () => void;
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const caller = (user: CurrentUser, client: Db = db) => createCaller({ db: client, user });

beforeAll(async () => {
  catcher = await startMailCatcher({ httpPort: null });
  restoreEnv = setTestEnv({ SMTP_URL: catcher.smtpUrl, APP_URL: "http://app.test" });
});
afterAll(async () => {
  restoreEnv();
  await catcher.close();
  await Promise.all([db.$disconnect(), otherDb.$disconnect()]);
});

async function tenant() {
  return db.tenant.create({ data: { name: `Users Estate ${unique()}`, shopDomain: `users-${unique()}.myshopify.com` } });
}

/** A winery user as the session would load them. */
async function member(tenantIds: string[], role: "OWNER" | "STAFF"): Promise<CurrentUser> {
  const user = await db.user.create({
    data: { email: `${role.toLowerCase()}-${unique()}@winery.test`, memberships: { create: tenantIds.map((tenantId) => ({ tenantId, role })) } },
  });
  return { id: user.id, email: user.email, name: null, role: "MERCHANT", tenantIds, ownerOf: role === "OWNER" ? tenantIds : [] };
}

async function supportUser(): Promise<CurrentUser> {
  const user = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT" } });
  return { id: user.id, email: user.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
}

async function inviteAndToken(by: CurrentUser, tenantId: string, membershipRole: "OWNER" | "STAFF" = "STAFF") {
  const email = `invitee-${unique()}@winery.test`;
  await caller(by).users.invite({ tenantId, email, membershipRole });
  const mail = await catcher.waitFor((m) => m.to.includes(email));
  return { email, token: /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1] };
}

describe("removing a user", () => {
  it("withdraws the invitations they sent to that winery: the links refuse, the Users page drops them; their other winery's stay", async () => {
    const [t, other] = [await tenant(), await tenant()];
    const leaving = await member([t.id, other.id], "OWNER");
    const staying = await member([t.id], "OWNER");
    const toOwner = await inviteAndToken(leaving, t.id, "OWNER");
    const toStaff = await inviteAndToken(leaving, t.id, "STAFF");
    const elsewhere = await inviteAndToken(leaving, other.id, "STAFF");
    const fromStaying = await inviteAndToken(staying, t.id, "STAFF");
    expect((await caller(staying).users.list({ tenantId: t.id })).invitations).toHaveLength(3);

    await caller(staying).users.remove({ tenantId: t.id, userId: leaving.id });

    const listed = await caller(staying).users.list({ tenantId: t.id });
    expect(listed.invitations.map((i) => i.email)).toEqual([fromStaying.email]);
    for (const { token, email } of [toOwner, toStaff]) {
      expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toMatchObject({
        ok: false,
        reason: "revoked",
        message: expect.stringContaining("withdrawn"),
      });
      expect(await db.user.findUnique({ where: { email } })).toBeNull();
    }
    expect(await db.membership.count({ where: { tenantId: t.id } })).toBe(1);
    // Still an owner of the other winery: what they sent there still works, and so does the remaining owner's.
    expect((await acceptInvitation(db, { token: elsewhere.token, password: "a-long-enough-password" })).ok).toBe(true);
    expect((await acceptInvitation(db, { token: fromStaying.token, password: "a-long-enough-password" })).ok).toBe(true);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: t.id, action: "user.removed" } });
    expect(audit.details).toMatchObject({ email: leaving.email, invitationsRevoked: 2 });
  });

  it("a withdrawn invitation leaves the Users page and its link refuses", async () => {
    const t = await tenant();
    const owner = await member([t.id], "OWNER");
    const { token } = await inviteAndToken(owner, t.id);
    const [open] = (await caller(owner).users.list({ tenantId: t.id })).invitations;
    await caller(owner).users.revokeInvitation({ tenantId: t.id, invitationId: open.id });
    expect((await caller(owner).users.list({ tenantId: t.id })).invitations).toEqual([]);
    expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("two owners removing each other at once, over two connections, leave exactly one owner", async () => {
    for (let round = 0; round < 6; round++) {
      const t = await tenant();
      const [first, second] = [await member([t.id], "OWNER"), await member([t.id], "OWNER")];
      const results = await Promise.allSettled([
        caller(first, db).users.remove({ tenantId: t.id, userId: second.id }),
        caller(second, otherDb).users.remove({ tenantId: t.id, userId: first.id }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await db.membership.count({ where: { tenantId: t.id, role: "OWNER" } })).toBe(1);
    }
  });

  it("an owner removed meanwhile can no longer remove anyone", async () => {
    const t = await tenant();
    const [removed, remaining] = [await member([t.id], "OWNER"), await member([t.id], "OWNER")];
    const staff = await member([t.id], "STAFF");
    await caller(remaining).users.remove({ tenantId: t.id, userId: removed.id });
    // `removed` still holds a session loaded before the removal.
    await expect(caller(removed).users.remove({ tenantId: t.id, userId: staff.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.membership.count({ where: { tenantId: t.id, userId: staff.id } })).toBe(1);
  });
});

describe("inviting", () => {
  it("owners and support invite owners and staff; staff invite nobody", async () => {
    const t = await tenant();
    const owner = await member([t.id], "OWNER");
    const staff = await member([t.id], "STAFF");
    const support = await supportUser();
    for (const membershipRole of ["OWNER", "STAFF"] as const) {
      await expect(caller(staff).users.invite({ tenantId: t.id, email: `s-${unique()}@winery.test`, membershipRole })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller(owner).users.invite({ tenantId: t.id, email: `o-${unique()}@winery.test`, membershipRole })).resolves.toHaveProperty("invitationId");
      await expect(caller(support).tenantAdmin.invite({ tenantId: t.id, email: `w-${unique()}@winery.test`, membershipRole })).resolves.toHaveProperty("invitationId");
    }
    expect(await db.invitation.count({ where: { tenantId: t.id, invitedById: staff.id } })).toBe(0);
  });

  it("tells an owner nothing about an address of support staff or of a disabled account", async () => {
    const t = await tenant();
    const owner = await member([t.id], "OWNER");
    const support = await supportUser();
    const disabled = await db.user.create({ data: { email: `disabled-${unique()}@winery.test`, disabled: true } });
    const fresh = `fresh-${unique()}@winery.test`;
    const shapes: string[][] = [];
    for (const email of [support.email, disabled.email, fresh]) {
      const answer = await caller(owner).users.invite({ tenantId: t.id, email, membershipRole: "OWNER" });
      shapes.push(Object.keys(answer).sort());
    }
    expect(new Set(shapes.map((s) => s.join()))).toEqual(new Set([shapes[2].join()]));
    const listed = await caller(owner).users.list({ tenantId: t.id });
    expect(listed.invitations.map((i) => [i.email, i.expired]).sort()).toEqual(
      [support.email, disabled.email, fresh].map((email) => [email, false]).sort(),
    );
    await catcher.waitFor((m) => m.to.includes(fresh));
    expect(catcher.messages({ to: support.email })).toEqual([]);
    expect(catcher.messages({ to: disabled.email })).toEqual([]);
  });
});
