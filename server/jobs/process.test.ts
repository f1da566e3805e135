// A worker process runs the sync worker and, beside it, the scheduler, which claims its windows under the worker's
// id; stop() ends both, and a process started without the scheduler runs no job.
import { expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { startSyncWorldForFile, uniqueLabel } from "@/test/support/sync";
import { startWorkerProcess } from "./process";
import type { JobDefinition } from "./registry";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

function countingJob(runs: string[]): JobDefinition {
  const name = uniqueLabel("job");
  return { name, windowMs: 60_000, scopes: async () => ["all"], run: async () => runs.push(name) };
}

it("starts the worker and the scheduler together, claiming jobs under the worker's id, and stops both", async () => {
  const runs: string[] = [];
  const job = countingJob(runs);
  const started = await startWorkerProcess({ deps: world.deps(), onlyTenants: [], listenUrl: null, scheduler: { jobs: [job], tickMs: 50 } });
  try {
    expect(await db.workerHeartbeat.findUnique({ where: { id: started.worker.id } })).not.toBeNull();
    const deadline = Date.now() + 10_000;
    while (runs.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toEqual([job.name]);
    expect(await db.jobClaim.findMany({ where: { job: job.name } })).toMatchObject([{ owner: started.worker.id, scope: "all" }]);
  } finally {
    await started.stop();
  }
  expect(await db.workerHeartbeat.findUnique({ where: { id: started.worker.id } })).toBeNull();
});

it("claims no job when started without the scheduler (WORKER_SCHEDULER=off)", async () => {
  const started = await startWorkerProcess({ deps: world.deps(), onlyTenants: [], listenUrl: null, scheduler: false });
  // Past the scheduler's first pass, which comes 1 to 3 seconds after the start.
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  await started.stop();
  expect(await db.jobClaim.count({ where: { owner: started.worker.id } })).toBe(0);
});
