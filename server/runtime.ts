import "server-only";
import type { DatabaseRuntime } from "@/server/db";
import { defaultDataDir, startEmbeddedDatabase } from "@/server/embedded";
import { getEnv, type Env } from "@/server/env";
import { applyMigrations } from "@/server/migrate";

export interface ProcessDatabase extends DatabaseRuntime {
  /** the embedded database's folder, when DATABASE_URL was unset */
  dataDir?: string;
  /** stops the embedded database if this process serves it (a no-op otherwise) */
  stop(): Promise<void>;
}

/**
 * The database for a process we start (app, CLI, worker, demo): DATABASE_URL when set, else the embedded PGlite
 * (reusing the one another of our processes already serves). Migrations are applied either way.
 */
export async function ensureDatabase(
  env: Pick<Env, "DATABASE_URL" | "EMBEDDED_DB" | "EMBEDDED_DATA_DIR"> = getEnv(),
): Promise<ProcessDatabase> {
  if (env.DATABASE_URL) {
    await applyMigrations(env.DATABASE_URL);
    return { url: env.DATABASE_URL, embedded: env.EMBEDDED_DB, stop: async () => {} };
  }
  const dataDir = env.EMBEDDED_DATA_DIR ?? defaultDataDir();
  const embedded = await startEmbeddedDatabase(dataDir);
  await applyMigrations(embedded.url);
  return { url: embedded.url, embedded: true, dataDir, stop: () => (embedded.owned ? embedded.stop() : Promise.resolve()) };
}

/** The variables that hand `database` to a child process (`next start`), which reads it through getEnv(). */
export function databaseEnv(database: DatabaseRuntime): { DATABASE_URL: string; EMBEDDED_DB: string } {
  return { DATABASE_URL: database.url, EMBEDDED_DB: database.embedded ? "1" : "" };
}
