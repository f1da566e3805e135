// What each step of the setup wizard needs before it is completed: the first, a vintrace that accepts the saved
// settings; the second, a finished product check (its mismatches may be left: the owner is told what will fail).
import "server-only";
import type { SetupStep } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { Refused } from "@/server/lib/refused";
import { latestProductCheck } from "@/server/products/check";
import { savedConnectionProblem } from "@/server/tenants/go-live";
import type { Actor } from "@/server/tenants/pause";
import type { SettingsVerification } from "@/server/vintrace";
import { completeStep } from "./steps";

export type ConnectOutcome = { ok: true; next: SetupStep } | { ok: false; problem: string; verification: SettingsVerification | null };

/** Completes "Connect vintrace" when vintrace accepts the saved settings; otherwise says why, with vintrace's verdicts. */
export async function completeConnect(db: Db, tenantId: string, actor: Actor, allowlist: string[]): Promise<ConnectOutcome> {
  const refusal = await savedConnectionProblem(db, tenantId, allowlist);
  if (refusal) return { ok: false, ...refusal };
  return { ok: true, next: await completeStep(db, tenantId, "CONNECT", actor) };
}

/** Completes "Products" once a product check has finished. */
export async function completeProducts(db: Db, tenantId: string, actor: Actor): Promise<{ next: SetupStep }> {
  const { last } = await latestProductCheck(db, tenantId);
  if (!last) throw new Refused("BAD_REQUEST", "Run the product check first, and wait for it to finish.");
  return { next: await completeStep(db, tenantId, "PRODUCTS", actor) };
}
