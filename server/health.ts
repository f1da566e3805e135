import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { databaseOf, type Db } from "@/server/db";
import { getEnv } from "@/server/env";

const version = (() => {
  try {
    return (JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
})();

/** A worker that has not beaten for this long counts as gone. */
const WORKER_STALE_MS = 60_000;

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  database: { ok: boolean; embedded: boolean };
  worker: { mode: string; alive: number; lastBeatAt: string | null };
}

/** What /api/health says: the database and worker status and the version. Nothing secret, no error details. */
export async function healthReport(db: Db, now = new Date()): Promise<HealthReport> {
  const mode = getEnv().WORKER_MODE;
  let databaseOk = true;
  let alive = 0;
  let lastBeatAt: Date | null = null;
  try {
    const beats = await db.workerHeartbeat.findMany({ orderBy: { beatAt: "desc" }, take: 50 });
    alive = beats.filter((b) => now.getTime() - b.beatAt.getTime() < WORKER_STALE_MS).length;
    lastBeatAt = beats[0]?.beatAt ?? null;
  } catch {
    databaseOk = false;
  }
  return {
    status: databaseOk ? "ok" : "degraded",
    version,
    database: { ok: databaseOk, embedded: databaseOf(db)?.embedded ?? false },
    worker: { mode, alive, lastBeatAt: lastBeatAt?.toISOString() ?? null },
  };
}

/** Readiness counts a worker as gone after this long without a heartbeat (six missed beats at the default 10 s). */
export const READY_HEARTBEAT_MS = 2 * 60_000;

export interface ReadinessReport {
  ready: boolean;
  /** what is wrong, in words, when not ready */
  problems: string[];
  database: boolean;
  /** migrations in prisma/migrations that the database has not applied; null when that could not be told */
  pendingMigrations: string[] | null;
  worker: { mode: string; lastBeatAt: string | null } | null;
}

export interface ReadinessOptions {
  now?: Date;
  /** default: prisma/migrations under the working directory, as `prisma migrate deploy` reads it */
  migrationsDir?: string;
  workerMode?: string;
}

/** The migrations this code expects, by directory name; null when the directory is not there to read. */
function expectedMigrations(dir: string): string[] | null {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return null;
  }
}

/**
 * What /api/health/ready says: whether this instance should get traffic. Not while the database does not answer,
 * while migrations this code needs are not applied, or (when the worker runs in the app) while no worker has beaten
 * for READY_HEARTBEAT_MS. Names only, no error details.
 */
export async function readinessReport(db: Db, options: ReadinessOptions = {}): Promise<ReadinessReport> {
  const now = options.now ?? new Date();
  const mode = options.workerMode ?? getEnv().WORKER_MODE;
  const problems: string[] = [];
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    return { ready: false, problems: ["the database does not answer"], database: false, pendingMigrations: null, worker: null };
  }

  let pendingMigrations: string[] | null = null;
  const expected = expectedMigrations(options.migrationsDir ?? path.join(process.cwd(), "prisma", "migrations"));
  if (expected) {
    try {
      const applied = await db.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const done = new Set(applied.map((r) => r.migration_name));
      pendingMigrations = expected.filter((name) => !done.has(name));
    } catch {
      // No migrations table: nothing was ever applied.
      pendingMigrations = expected;
    }
    if (pendingMigrations.length > 0) problems.push(`${pendingMigrations.length} migration(s) not applied`);
  }

  let worker: ReadinessReport["worker"] = null;
  if (mode === "in-app") {
    const last = await db.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } }).catch(() => null);
    worker = { mode, lastBeatAt: last?.beatAt.toISOString() ?? null };
    if (!last || now.getTime() - last.beatAt.getTime() > READY_HEARTBEAT_MS) problems.push("no worker heartbeat in the last 2 minutes");
  }
  return { ready: problems.length === 0, problems, database: true, pendingMigrations, worker };
}
