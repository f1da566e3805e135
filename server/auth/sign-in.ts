import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";
import { BusyError } from "./limiter";
import { countSignInAttempt, recordSignInSuccess, signInKeys, uncountSignInAttempt } from "./login-throttle";
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
  /** the client's address (client-address.ts); null shares one count with every other unknown address */
  clientAddress?: string | null;
  now?: Date;
  /** how a throttling pause is waited out (tests record it instead) */
  pause?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type PasswordVerdict = "valid" | "invalid" | "locked" | "busy";

/**
 * Checks a password under the sign-in throttle, wherever an account's password is asked for (sign-in, or an existing
 * user accepting an invitation): the attempt counts on the address and the account at that address, so a stranger
 * guessing slows only themselves and never locks the owner out. `passwordHash` null (no such account, or one that
 * may not sign in) is checked against a decoy, so the answer takes as long as for a real account.
 */
export async function checkPasswordThrottled(
  db: Db,
  email: string,
  passwordHash: string | null,
  password: string,
  context: SignInContext = {},
): Promise<PasswordVerdict> {
  const keys = signInKeys(email, context.clientAddress ?? null);
  const verdict = await countSignInAttempt(db, keys, context.now);
  if (verdict.refused) return "locked";
  if (verdict.delayMs > 0) await (context.pause ?? wait)(verdict.delayMs);
  let valid: boolean;
  try {
    valid = await verifyPassword(passwordHash ?? (await decoyHash()), password);
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    await uncountSignInAttempt(db, keys);
    return "busy";
  }
  if (!valid || !passwordHash) return "invalid";
  await recordSignInSuccess(db, keys);
  return "valid";
}

/** The whole sign-in decision. A failure says only that the email or password is wrong (or that sign-in is paused). */
export async function signInWithPassword(db: Db, raw: unknown, context: SignInContext = {}): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const user = await db.user.findUnique({ where: { email } });
  const signable = user && !user.disabled ? user : null;
  const verdict = await checkPasswordThrottled(db, email, signable?.passwordHash ?? null, password, context);
  if (verdict !== "valid" || !signable) return { ok: false, reason: verdict === "valid" ? "invalid" : verdict };
  return {
    ok: true,
    user: { id: signable.id, email: signable.email, name: signable.name, role: signable.role, sessionVersion: signable.sessionVersion },
  };
}
