import "server-only";
import { readFileSync } from "node:fs";
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
