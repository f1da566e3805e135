import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseRuntime } from "@/server/db";
import { portAnswers, startEmbeddedDatabase } from "@/server/embedded";
import { applyMigrations } from "@/server/migrate";

// Each test run gets a database of its own: a fresh one on the real PostgreSQL (TEST_DATABASE_URL, else
// 127.0.0.1:5432), dropped afterwards; or, where no PostgreSQL answers, an embedded PGlite in a temp folder.

export interface TestDatabase extends DatabaseRuntime {
  kind: "postgres" | "pglite";
  /** the server's admin URL, on PostgreSQL (to make more databases from this one as a template) */
  adminUrl?: string;
  name?: string;
  drop(): Promise<void>;
}

const LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

async function adminUrl(): Promise<string | null> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  return (await portAnswers("127.0.0.1", 5432)) ? LOCAL_ADMIN_URL : null;
}

export async function createTestDatabase(label = "vs"): Promise<TestDatabase> {
  const admin = await adminUrl();
  if (admin) {
    const name = `${label}_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    await applyMigrations(url.toString());
    return { url: url.toString(), embedded: false, kind: "postgres", adminUrl: admin, name, drop: () => dropDatabase(admin, name) };
  }
  if (process.env.REQUIRE_POSTGRES === "1") {
    throw new Error("REQUIRE_POSTGRES=1 but no PostgreSQL answers (set TEST_DATABASE_URL or start it on 127.0.0.1:5432)");
  }
  console.warn("[tests] No PostgreSQL answered (TEST_DATABASE_URL or 127.0.0.1:5432): using embedded PGlite. Multi-process tests will be skipped.");
  const dir = mkdtempSync(path.join(tmpdir(), "vs-pglite-"));
  const embedded = await startEmbeddedDatabase(path.join(dir, "data"));
  await applyMigrations(embedded.url);
  return {
    url: embedded.url,
    embedded: true,
    kind: "pglite",
    async drop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function dropDatabase(admin: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

/**
 * A copy of a migrated database, made with CREATE DATABASE … TEMPLATE (a file copy: about a tenth of a second),
 * so each test file works on data of its own while the migrations ran once.
 */
export async function cloneDatabase(adminUrl: string, template: string, label: string): Promise<TestDatabase> {
  const name = `${template}_${label}_${randomBytes(3).toString("hex")}`.slice(0, 63);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), embedded: false, kind: "postgres", adminUrl, name, drop: () => dropDatabase(adminUrl, name) };
}

/** The secrets and settings a test process needs; fixed values, never used outside tests. */
export function setTestEnvironment(): void {
  process.env.AUTH_SECRET ??= "test-auth-secret-test-auth-secret-0123456789";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.SHOPIFY_API_KEY ??= "test-api-key";
  process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
}
