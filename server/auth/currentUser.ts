import { getServerSession } from "next-auth";
import type { Db } from "@/server/db";
import { authOptions } from "./options";

export interface CurrentUser {
  id: string;
  email: string;
  name: string | null;
  role: "SUPPORT" | "MERCHANT";
  /** tenant ids this user belongs to (empty for support staff, who see every tenant) */
  tenantIds: string[];
  ownerOf: string[];
}

/**
 * Resolves a session's user id to a live user, on every request: a disabled user, or a session older than the
 * user's sessionVersion (bumped by a password reset or a removal), is no longer signed in.
 */
export async function loadCurrentUser(db: Db, uid: unknown, sessionVersion: unknown): Promise<CurrentUser | null> {
  if (typeof uid !== "string" || typeof sessionVersion !== "number") return null;
  const user = await db.user.findUnique({ where: { id: uid }, include: { memberships: true } });
  if (!user || user.disabled || user.sessionVersion !== sessionVersion) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tenantIds: user.memberships.map((m) => m.tenantId),
    ownerOf: user.memberships.filter((m) => m.role === "OWNER").map((m) => m.tenantId),
  };
}

export async function getCurrentUser(db: Db): Promise<CurrentUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: unknown; sv?: unknown } | null;
  return session ? loadCurrentUser(db, session.uid, session.sv) : null;
}
