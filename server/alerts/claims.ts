// The digests are scheduled jobs, never per-process timers, because several instances may run: each run claims a
// JobClaim row per (job, scope, window), and the insert that wins does the work, so N instances send each digest once.
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";

export async function claimWindow(db: Db, job: string, scope: string, window: string, owner: string, now: Date): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "JobClaim" ("job", "scope", "window", "owner", "claimedAt")
    VALUES (${job}, ${scope}, ${window}, ${owner}, ${now})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

export async function finishClaim(db: Db, job: string, scope: string, window: string, result: Prisma.InputJsonValue): Promise<void> {
  await db.jobClaim.update({ where: { job_scope_window: { job, scope, window } }, data: { finishedAt: new Date(), result } });
}
