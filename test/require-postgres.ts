import { describe } from "vitest";

/**
 * For tests that need several processes on one database (two workers, SIGKILL): they need the real PostgreSQL.
 * On embedded PGlite they are reported as skipped, with the reason, unless REQUIRE_POSTGRES=1 makes that a failure.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const onPostgres = process.env.TEST_DB_KIND === "postgres";
  if (!onPostgres && process.env.REQUIRE_POSTGRES === "1") {
    throw new Error(`"${name}" needs PostgreSQL and REQUIRE_POSTGRES=1, but the tests run on ${process.env.TEST_DB_KIND}`);
  }
  (onPostgres ? describe : describe.skip)(onPostgres ? name : `${name} (skipped: needs a real PostgreSQL, not embedded PGlite)`, body);
}
