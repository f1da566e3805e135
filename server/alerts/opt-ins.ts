// Who receives alert mail: each user opts in or out per winery they belong to, and support staff for the
// cross-winery digest. A user changes only their own opt-ins.
import "server-only";
import type { CurrentUser } from "@/server/auth/current-user";
import type { Db } from "@/server/db";
import { Refused } from "@/server/lib/refused";

/** The user's own opt-ins: one per winery they belong to, and the support digest for support staff. */
export async function alertOptIns(db: Db, user: CurrentUser) {
  const [memberships, me] = await Promise.all([
    db.membership.findMany({
      where: { userId: user.id },
      select: { tenantId: true, role: true, alertEmails: true, tenant: { select: { name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.user.findUniqueOrThrow({ where: { id: user.id }, select: { supportAlertEmails: true } }),
  ]);
  return {
    email: user.email,
    tenants: memberships.map((m) => ({ tenantId: m.tenantId, name: m.tenant.name, role: m.role, alertEmails: m.alertEmails })),
    supportDigest: user.role === "SUPPORT" ? me.supportAlertEmails : null,
  };
}

/** Opts the user in or out of one winery's alert mail; a winery they do not belong to sends them none. */
export async function setAlertOptIn(db: Db, userId: string, tenantId: string, enabled: boolean) {
  const { count } = await db.membership.updateMany({ where: { userId, tenantId }, data: { alertEmails: enabled } });
  if (count === 0) throw new Refused("NOT_FOUND", "You are not a user of this winery, so it sends you no alerts.");
  return { alertEmails: enabled };
}

/** Opts a support user in or out of the cross-winery digest. */
export async function setSupportDigestOptIn(db: Db, userId: string, enabled: boolean) {
  await db.user.update({ where: { id: userId }, data: { supportAlertEmails: enabled } });
  return { supportDigest: enabled };
}
