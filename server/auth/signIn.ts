import { z } from "zod";
import type { Db } from "@/server/db";
import { clearFailures, lockedUntil, recordFailure, throttleKey } from "./loginThrottle";
import { decoyHash, verifyPassword } from "./password";

export const credentialsSchema = z.object({
  email: z.email().max(254).transform((e) => e.trim().toLowerCase()),
  password: z.string().min(1).max(200),
});

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  role: "SUPPORT" | "MERCHANT";
  sessionVersion: number;
}

export type SignInResult = { ok: true; user: SignedInUser } | { ok: false; reason: "invalid" | "locked" };

/** The whole sign-in decision. A failure says only that the email or password is wrong (or that sign-in is paused). */
export async function signInWithPassword(db: Db, raw: unknown): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const key = throttleKey(email);
  if (await lockedUntil(db, key)) return { ok: false, reason: "locked" };

  const user = await db.user.findUnique({ where: { email } });
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
  if (!user || !valid || user.disabled) {
    await recordFailure(db, key);
    return { ok: false, reason: "invalid" };
  }
  await clearFailures(db, key);
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion },
  };
}
