// Scheduled work lives in PostgreSQL, never in a per-process timer's memory, because several instances may run:
// each run first claims a unique JobClaim row for (job, scope, window). The insert that wins does the work; the
// others see the conflict and move on, so N instances do each job once per window. A worker that dies mid-job
// leaves its claim unfinished; the next window runs the job again.
import "server-only";
import type { Prisma } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { UTC_NOW } from "@/server/lib/sql-time";

/** The window `now` falls in, named by its start. */
export const windowOf = (now: Date, windowMs: number) => new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();

/** True when this owner won the (job, scope, window) claim; `claimedAt` defaults to the database's clock. */
export async function claimJob(db: Db, job: string, scope: string, window: string, owner: string, claimedAt?: Date): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "JobClaim" (job, scope, "window", owner, "claimedAt")
    VALUES (${job}, ${scope}, ${window}, ${owner}, ${claimedAt ?? UTC_NOW})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/** Marks a won claim finished and stores what the run returned (as JSON). */
export async function finishJob(db: Db, job: string, scope: string, window: string, result: unknown): Promise<void> {
  await db.jobClaim.update({
    where: { job_scope_window: { job, scope, window } },
    data: { finishedAt: new Date(), result: JSON.parse(JSON.stringify(result ?? null)) as Prisma.InputJsonValue },
  });
}
