// Support's daily look at the wineries stuck in setup: every winery that has been on one step of the setup wizard
// for three days or more, with the step, how long, and a link to it. An owner who stops there has most likely met
// something they cannot get past alone, and their orders wait held meanwhile. The list rides in the support digest
// once a day (the first digest of each UTC day that has something to say, or one of its own when nothing else does),
// claimed per day like the digests' windows, so N instances list it once.
import "server-only";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { durationWords, SETUP_STUCK_AFTER_MS, setupProgress, type SetupProgress } from "@/lib/setup-steps";
import { dailyListDue, takeDailyList } from "./daily-list";
import { tenantUrl, withSection, type AlertContent, type AlertTenant } from "./messages";

const JOB = "alerts-setup-stuck";

export interface StuckSetup {
  tenant: AlertTenant;
  progress: SetupProgress;
}

const stuckWhere = (now: Date): Prisma.TenantWhereInput => ({
  status: "SETUP",
  setupStep: { not: null },
  setupStepSince: { lte: new Date(now.getTime() - SETUP_STUCK_AFTER_MS) },
});

/** Every winery stuck on a setup step, the longest stuck first. */
export async function stuckSetups(db: Db, now: Date): Promise<StuckSetup[]> {
  const rows = await db.tenant.findMany({
    where: stuckWhere(now),
    orderBy: [{ setupStepSince: "asc" }, { name: "asc" }],
    select: { id: true, name: true, status: true, setupStep: true, setupStepSince: true },
  });
  return rows.flatMap((row) => {
    const progress = setupProgress(row, now);
    return progress ? [{ tenant: { id: row.id, name: row.name }, progress }] : [];
  });
}

/** Whether today's list is still to go out: some winery is stuck, and no digest has listed them today. */
export async function stuckSetupsDue(db: Db, now: Date): Promise<boolean> {
  const [due, stuck] = await Promise.all([dailyListDue(db, JOB, now), db.tenant.findFirst({ where: stuckWhere(now), select: { id: true } })]);
  return due && stuck !== null;
}

/** Today's list, for the one digest that claims it; empty for any other. */
export const takeStuckSetups = (db: Db, now: Date, owner: string): Promise<StuckSetup[]> => takeDailyList(db, JOB, now, owner, () => stuckSetups(db, now));

const wineries = (n: number) => `${n} ${n === 1 ? "winery" : "wineries"}`;

/** The digest with the stuck wineries added as a section of their own, before its closing link. */
export function withStuckSetups(appUrl: string, stuck: StuckSetup[], content: AlertContent): AlertContent {
  if (stuck.length === 0) return content;
  const line = (s: StuckSetup) => `${s.tenant.name}: on "${s.progress.label}" for ${s.progress.age}`;
  const section: AlertContent["blocks"] = [
    { kind: "heading", text: `Stuck in setup (${stuck.length}): on the same step for ${durationWords(SETUP_STUCK_AFTER_MS)} or more` },
    { kind: "list", items: stuck.map((s) => ({ text: line(s), url: tenantUrl(appUrl, s.tenant, "/") })) },
  ];
  return withSection(content, {
    subject: `${wineries(stuck.length)} stuck in setup`,
    blocks: section,
    chat: [`:hourglass: ${wineries(stuck.length)} stuck in setup:`, ...stuck.map((s) => `• ${line(s)} ${tenantUrl(appUrl, s.tenant, "/")}`)].join("\n"),
  });
}
