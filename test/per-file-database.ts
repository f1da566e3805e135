import { afterAll } from "vitest";
import { cloneDatabase } from "./database";

// Before each test file is imported: a database of its own, copied from the run's migrated template (top-level
// await, so that module-level `createPrisma()` in the test file already sees it).
const admin = process.env.TEST_ADMIN_URL;
const template = process.env.TEST_TEMPLATE_DB;
if (admin && template) {
  const own = await cloneDatabase(admin, template, "f");
  process.env.DATABASE_URL = own.url;
  afterAll(() => own.drop());
}
