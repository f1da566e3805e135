import "server-only";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { childProcessEnv } from "@/server/env";

/**
 * Applies prisma/migrations to the database at `url` (the same command production deploys run).
 * Asynchronous on purpose: in embedded mode the database is served by this very process.
 */
export async function applyMigrations(url: string): Promise<void> {
  const prisma = path.resolve(process.cwd(), "node_modules", ".bin", "prisma");
  await promisify(execFile)(prisma, ["migrate", "deploy"], { env: childProcessEnv({ DATABASE_URL: url }) });
}
