// ensureDatabase hands back the database it found or started; it leaves the process's settings as they were, so
// nothing else in the process silently switches databases.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma, databaseFromEnv, databaseOf } from "@/server/db";
import { resetEnvCache } from "@/server/env";
import { databaseEnv, ensureDatabase } from "./runtime";

const dataDir = mkdtempSync(path.join(tmpdir(), "vs-runtime-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("ensureDatabase", () => {
  it("returns DATABASE_URL as it is, migrated", async () => {
    const own = databaseFromEnv();
    const database = await ensureDatabase({ DATABASE_URL: own.url, EMBEDDED_DB: own.embedded, EMBEDDED_DATA_DIR: undefined });
    expect(database).toMatchObject({ url: own.url, embedded: own.embedded });
    expect(database.dataDir).toBeUndefined();
  });

  it("starts the embedded database without DATABASE_URL and returns it, leaving the environment alone", async () => {
    const before = databaseFromEnv();
    const database = await ensureDatabase({ DATABASE_URL: undefined, EMBEDDED_DB: false, EMBEDDED_DATA_DIR: path.join(dataDir, "pglite") });
    try {
      expect(database).toMatchObject({ embedded: true, dataDir: path.join(dataDir, "pglite") });
      expect(database.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(databaseEnv(database)).toEqual({ DATABASE_URL: database.url, EMBEDDED_DB: "1" });
      resetEnvCache();
      expect(databaseFromEnv()).toEqual(before);

      const db = createPrisma(database);
      expect(databaseOf(db)).toEqual({ url: database.url, embedded: true });
      expect(await db.tenant.count()).toBe(0);
      await db.$disconnect();
    } finally {
      await database.stop();
    }
  }, 120_000);
});
