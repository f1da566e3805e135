// Scheduled jobs run once per window however many workers race for them, and their results are stored.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { startSyncWorldForFile, uniqueLabel } from "@/test/support/sync";
import { claimJob, windowOf } from "./claim";
import { productCheckJob, type JobDefinition } from "./registry";
import { runDueJobs, startScheduler } from "./scheduler";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

describe("scheduled jobs", () => {
  it("two workers racing for the same windows run each (job, scope) once", async () => {
    const scopes = [uniqueLabel("scope"), uniqueLabel("scope"), uniqueLabel("scope")];
    const runs: string[] = [];
    const job = (name: string): JobDefinition => ({
      name,
      windowMs: 15 * 60_000,
      scopes: async () => scopes,
      run: async (_deps, scope) => {
        runs.push(`${name}:${scope}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { scope };
      },
    });
    const jobs = [job(uniqueLabel("reconcile")), job(uniqueLabel("retention"))];
    const deps = world.deps();
    const [a, b] = await Promise.all([runDueJobs(deps, "worker-a", jobs), runDueJobs(deps, "worker-b", jobs)]);
    expect(a.length + b.length).toBe(6);
    expect(runs.sort()).toEqual(jobs.flatMap((j) => scopes.map((s) => `${j.name}:${s}`)).sort());
    // The same window again: nothing more.
    expect(await runDueJobs(deps, "worker-c", jobs)).toEqual([]);
    const claims = await db.jobClaim.findMany({ where: { job: { in: jobs.map((j) => j.name) } } });
    expect(claims).toHaveLength(6);
    expect(claims.every((c) => c.finishedAt !== null && c.window === windowOf(deps.now(), 15 * 60_000))).toBe(true);
  });

  it("a job that blocks does not delay another job's runs", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const blockerRuns: string[] = [];
    const quickRuns: string[] = [];
    const blocker: JobDefinition = {
      name: uniqueLabel("product-check"),
      windowMs: 60 * 60_000,
      scopes: async () => ["all"],
      run: async (_deps, scope) => {
        blockerRuns.push(scope);
        await held;
      },
    };
    // A new window every 100 ms: it should run again and again while the blocker is held.
    const quick: JobDefinition = { name: uniqueLabel("alerts"), windowMs: 100, scopes: async () => ["all"], run: async () => quickRuns.push("ran") };
    const scheduler = startScheduler(world.deps({ random: () => 0 }), { owner: uniqueLabel("worker"), jobs: [blocker, quick], tickMs: 20 });
    try {
      const deadline = Date.now() + 15_000;
      while (quickRuns.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(blockerRuns).toEqual(["all"]);
      expect(quickRuns.length).toBeGreaterThanOrEqual(3);
      expect(await db.jobClaim.findMany({ where: { job: blocker.name } })).toMatchObject([{ finishedAt: null }]);
    } finally {
      release();
      await scheduler.stop();
    }
    expect((await db.jobClaim.findFirstOrThrow({ where: { job: blocker.name } })).finishedAt).not.toBeNull();
  });

  it("a claim is unique per (job, scope, window)", async () => {
    const name = uniqueLabel("job");
    expect(await claimJob(db, name, "all", "w1", "a")).toBe(true);
    expect(await claimJob(db, name, "all", "w1", "b")).toBe(false);
    expect(await claimJob(db, name, "all", "w2", "b")).toBe(true);
  });
});

describe("the nightly product check", () => {
  it("queues one run per winery and day however many workers race for it, without waiting for the run", async () => {
    const tenant = await world.addTenant();
    const jobs = [productCheckJob()];
    const [a, b] = await Promise.all([runDueJobs(world.deps(), "worker-a", jobs), runDueJobs(world.deps(), "worker-b", jobs)]);
    const runsForTenant = [...a, ...b].filter((r) => r.scope === tenant.tenantId);
    expect(runsForTenant).toHaveLength(1);
    expect(runsForTenant[0]).toMatchObject({ ok: true, result: { joined: false } });
    const stored = await db.productCheck.findMany({ where: { tenantId: tenant.tenantId } });
    expect(stored).toMatchObject([{ trigger: "nightly", status: "QUEUED" }]);
  });
});
