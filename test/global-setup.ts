import { createTestDatabase, setTestEnvironment } from "./database";

// Runs once per `vitest run`. On PostgreSQL it migrates one template database; each test file then gets a copy of
// its own (test/per-file-database.ts), so workers and queues in one file never see another file's rows. On embedded
// PGlite (one database only) the files share it.
export default async function setup(): Promise<() => Promise<void>> {
  setTestEnvironment();
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.TEST_DB_KIND = database.kind;
  if (database.kind === "pglite") process.env.EMBEDDED_DB = "1";
  if (database.adminUrl && database.name) {
    process.env.TEST_ADMIN_URL = database.adminUrl;
    process.env.TEST_TEMPLATE_DB = database.name;
  }
  return async () => {
    await database.drop();
  };
}
