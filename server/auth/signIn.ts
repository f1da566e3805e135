import { z } from "zod";
import type { Db } from "@/server/db";
import { BusyError } from "./limiter";
import { countSignInAttempt, recordSignInSuccess, signInKeys, uncountSignInAttempt } from "./loginThrottle";
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

/** "locked": this address (or this account from this address) has failed too often; "busy": try again in a moment. */
export type SignInResult = { ok: true; user: SignedInUser } | { ok: false; reason: "invalid" | "locked" | "busy" };

export interface SignInContext {
  /** the client's address (clientAddress.ts); null shares one count with every other unknown address */
  clientAddress?: string | null;
  now?: Date;
  /** how a throttling pause is waited out (tests record it instead) */
  pause?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The whole sign-in decision. A failure says only that the email or password is wrong (or that sign-in is paused). */
export async function signInWithPassword(db: Db, raw: unknown, context: SignInContext = {}): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const keys = signInKeys(email, context.clientAddress ?? null);
  const verdict = await countSignInAttempt(db, keys, context.now);
  if (verdict.refused) return { ok: false, reason: "locked" };
  if (verdict.delayMs > 0) await (context.pause ?? wait)(verdict.delayMs);

  const user = await db.user.findUnique({ where: { email } });
  let valid: boolean;
  try {
    valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    await uncountSignInAttempt(db, keys);
    return { ok: false, reason: "busy" };
  }
  if (!user || !valid || user.disabled) return { ok: false, reason: "invalid" };
  await recordSignInSuccess(db, keys);
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion },
  };
}
