// /api/health/ready answers 503 while the database is down, migrations are pending, or (worker in the app) no
// worker has beaten for two minutes; /api/health stays the liveness check.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GET as liveness } from "@/app/api/health/route";
import { createPrisma, getDb } from "@/server/db";
import { readinessReport } from "@/server/health";
import { setTestEnv } from "@/test/env";
import { GET as readiness } from "./route";

const db = createPrisma();
afterAll(async () => {
  await db.$disconnect();
  await getDb().$disconnect();
});
afterEach(() => db.workerHeartbeat.deleteMany({ where: { id: { startsWith: "ready-test-" } } }));

const ready = () => readiness(new Request("http://app.test/api/health/ready"));
const beat = (agoMs: number) =>
  db.workerHeartbeat.create({ data: { id: `ready-test-${agoMs}`, hostname: "test", pid: 1, beatAt: new Date(Date.now() - agoMs) } });

describe("readiness", () => {
  it("is ready with the database up, every migration applied and a worker beating", async () => {
    const restore = setTestEnv({ WORKER_MODE: "in-app" });
    try {
      await beat(5_000);
      const response = await ready();
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toMatchObject({ ready: true, problems: [], database: true, pendingMigrations: [] });
      expect((await liveness()).status).toBe(200);
    } finally {
      restore();
    }
  });

  it("is not ready while the in-app worker has not beaten for two minutes; with WORKER_MODE=off that does not matter", async () => {
    const restore = setTestEnv({ WORKER_MODE: "in-app" });
    try {
      await beat(3 * 60_000);
      const response = await ready();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ready: false, problems: ["no worker heartbeat in the last 2 minutes"] });
    } finally {
      restore();
    }
    const off = setTestEnv({ WORKER_MODE: "off" });
    try {
      expect((await ready()).status).toBe(200);
    } finally {
      off();
    }
  });

  it("is not ready while a migration is not applied", async () => {
    const [last] = await db.$queryRaw<{ id: string; migration_name: string }[]>`
      SELECT id, migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    await db.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = ${last.id}`;
    const restore = setTestEnv({ WORKER_MODE: "off" });
    try {
      const response = await ready();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ready: false, pendingMigrations: [last.migration_name], problems: ["1 migration(s) not applied"] });
    } finally {
      restore();
      await db.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = ${last.id}`;
    }
  });

  it("is not ready, and the liveness check says degraded, while the database does not answer", async () => {
    const down = createPrisma({ url: "postgresql://app:secret@127.0.0.1:1/nothing", embedded: false });
    try {
      const report = await readinessReport(down, { workerMode: "in-app" });
      expect(report).toEqual({ ready: false, problems: ["the database does not answer"], database: false, pendingMigrations: null, worker: null });
      expect(JSON.stringify(report)).not.toContain("secret");
    } finally {
      await down.$disconnect();
    }
    // The routes use the process's client: point it at nothing.
    const restore = setTestEnv({ DATABASE_URL: "postgresql://app:secret@127.0.0.1:1/nothing" });
    const globalForPrisma = globalThis as unknown as { prisma?: unknown };
    const before = globalForPrisma.prisma;
    globalForPrisma.prisma = undefined;
    try {
      expect((await ready()).status).toBe(503);
      expect((await liveness()).status).toBe(503);
    } finally {
      await getDb().$disconnect();
      globalForPrisma.prisma = before;
      restore();
    }
  });
});
