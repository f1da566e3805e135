import { createTestDatabase, setTestEnvironment } from "./database";

// Runs once per `vitest run`: one database for the whole run, handed to the test workers through the environment.
export default async function setup(): Promise<() => Promise<void>> {
  setTestEnvironment();
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.TEST_DB_KIND = database.kind;
  if (database.kind === "pglite") process.env.EMBEDDED_DB = "1";
  return () => database.drop();
}
