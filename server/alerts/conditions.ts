// A condition (vintrace refusing the key, failures after a quiet period, silence) is alerted when it opens and not
// again until it has cleared. Opening and clearing are each one conditional statement, so of N instances evaluating
// the same winery at once exactly one wins each transition, and only the winner sends: the alert when it opens, one
// short "resolved" message when it clears.
import "server-only";
import type { Db } from "@/server/db";
import type { AlertCondition, AlertKind, Prisma } from "@/server/generated/prisma/client";

export async function openCondition(db: Db, tenantId: string, condition: AlertCondition, now: Date, detail: Prisma.InputJsonValue): Promise<boolean> {
  const json = JSON.stringify(detail);
  const rows = await db.$queryRaw<{ tenantId: string }[]>`
    INSERT INTO "AlertState" ("tenantId", "condition", "open", "openedAt", "supportSeen", "detail")
    VALUES (${tenantId}, ${condition}::"AlertCondition", true, ${now}, false, ${json}::jsonb)
    ON CONFLICT ("tenantId", "condition") DO UPDATE
      SET "open" = true, "openedAt" = ${now}, "supportSeen" = false, "detail" = ${json}::jsonb
      WHERE "AlertState"."open" = false
    RETURNING "tenantId"`;
  return rows.length === 1;
}

export async function clearCondition(db: Db, tenantId: string, condition: AlertCondition, now: Date): Promise<boolean> {
  const { count } = await db.alertState.updateMany({ where: { tenantId, condition, open: true }, data: { open: false, clearedAt: now } });
  return count === 1;
}

/** The alert a condition's opening sent (the first failure's, for FAILING). */
export const CONDITION_ALERT: Record<AlertCondition, AlertKind> = {
  AUTH_FAILING: "AUTH_FAILING",
  FAILING: "FIRST_FAILURE",
  SILENCE: "SILENCE",
};

/**
 * Whether the condition's opening at `openedAt` was alerted: not every opening is (a first failure at the moment the
 * key is refused is told by the key alert alone), and only what was told is worth a "resolved".
 */
export async function wasAlerted(db: Db, tenantId: string, condition: AlertCondition, openedAt: Date | null): Promise<boolean> {
  if (!openedAt) return false;
  return (await db.alert.count({ where: { tenantId, kind: CONDITION_ALERT[condition], createdAt: { gte: openedAt } } })) > 0;
}

export async function conditionStates(db: Db, tenantId: string) {
  const rows = await db.alertState.findMany({ where: { tenantId } });
  const of = (condition: AlertCondition) => rows.find((r) => r.condition === condition) ?? { open: false, openedAt: null, clearedAt: null };
  return { auth: of("AUTH_FAILING"), failing: of("FAILING"), silence: of("SILENCE") };
}

export const CONDITION_WORDS: Record<AlertCondition, string> = {
  AUTH_FAILING: "vintrace is refusing the API key",
  FAILING: "orders started failing",
  SILENCE: "no order has synced for too long",
};
