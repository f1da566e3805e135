// The setup wizard's steps, in the wizard's order, with the words the dashboard uses for each: the wizard itself,
// support's list of wineries, the Overview and support's digest all name a step the same way. A winery left on one
// step for three days is "stuck": the owner has most likely hit something they cannot get past alone, and support
// looks at it. Browser-safe: it imports Prisma's generated enums (plain constants) only.
import type { SetupStep } from "@/server/generated/prisma/enums";

export const SETUP_STEPS = [
  { step: "CONNECT", label: "Connect vintrace" },
  { step: "PRODUCTS", label: "Products" },
  { step: "SENDING", label: "How orders are sent" },
  { step: "PREVIEW", label: "Preview" },
  { step: "GO_LIVE", label: "Go live" },
] as const satisfies readonly { step: SetupStep; label: string }[];

export function setupStepLabel(step: SetupStep): string {
  return SETUP_STEPS.find((s) => s.step === step)?.label ?? step;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** On one step this long, a winery is stuck. */
export const SETUP_STUCK_AFTER_MS = 3 * DAY_MS;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "3 days", "2 hours", "5 minutes": how long, whole units only. */
export function durationWords(ms: number): string {
  if (ms >= DAY_MS) return count(Math.floor(ms / DAY_MS), "day");
  if (ms >= HOUR_MS) return count(Math.floor(ms / HOUR_MS), "hour");
  return ms >= 60_000 ? count(Math.floor(ms / 60_000), "minute") : "under a minute";
}

/** Where a winery in setup is: its step in words, how long it has been on it, and whether that makes it stuck. */
export interface SetupProgress {
  step: SetupStep;
  label: string;
  since: Date;
  /** how long on this step, in words */
  age: string;
  stuck: boolean;
}

/** The progress of a winery in setup; null for one that is not, or whose step is not known. */
export function setupProgress(
  tenant: { status: string; setupStep: SetupStep | null; setupStepSince: Date | null },
  now: Date,
): SetupProgress | null {
  if (tenant.status !== "SETUP" || !tenant.setupStep || !tenant.setupStepSince) return null;
  const ms = Math.max(0, now.getTime() - tenant.setupStepSince.getTime());
  return { step: tenant.setupStep, label: setupStepLabel(tenant.setupStep), since: tenant.setupStepSince, age: durationWords(ms), stuck: ms >= SETUP_STUCK_AFTER_MS };
}
