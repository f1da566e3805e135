import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/server/embedded";
import { applyMigrations } from "@/server/migrate";

/**
 * The database for a process we start (app, CLI, worker, demo): DATABASE_URL when set, else the embedded PGlite
 * (reusing the one another of our processes already serves). Migrations are applied either way.
 */
export async function ensureDatabase(): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (process.env.DATABASE_URL) {
    await applyMigrations(process.env.DATABASE_URL);
    return { url: process.env.DATABASE_URL, embedded: null };
  }
  const embedded = await startEmbeddedDatabase();
  await applyMigrations(embedded.url);
  process.env.DATABASE_URL = embedded.url;
  process.env.EMBEDDED_DB = "1";
  return { url: embedded.url, embedded };
}
