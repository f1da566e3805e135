// Lists that ride in support's digest once a day rather than every 15 minutes (the wineries stuck in setup, the
// changes left unhandled): the first support digest of each UTC day that has the list to give claims the day, so of N
// instances one gives it, and support reads it in one batch.
import "server-only";
import type { Db } from "@/server/db";
import { claimJob, finishJob, windowOf } from "@/server/jobs/claim";

const DAY_MS = 24 * 60 * 60_000;
const today = (at: Date) => windowOf(at, DAY_MS);

/** Whether no digest has given the list `job` today. */
export async function dailyListDue(db: Db, job: string, at: Date): Promise<boolean> {
  const listed = await db.jobClaim.findUnique({ where: { job_scope_window: { job, scope: "all", window: today(at) } }, select: { job: true } });
  return listed === null;
}

/** Today's list `job`, made by `take` for the one digest that claims the day (and recorded with it); empty for any other. */
export async function takeDailyList<T>(db: Db, job: string, at: Date, owner: string, take: () => Promise<T[]>): Promise<T[]> {
  if (!(await claimJob(db, job, "all", today(at), owner, at))) return [];
  const list = await take();
  await finishJob(db, job, "all", today(at), { listed: list.length });
  return list;
}
