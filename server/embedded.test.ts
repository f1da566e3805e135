import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "@/test/env";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";

// The embedded default, end to end: the CLI with no DATABASE_URL starts PGlite, migrates, writes, and a second
// process finds the same data.
const dataDir = mkdtempSync(path.join(tmpdir(), "vs-embedded-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const env = childEnv({ EMBEDDED_DATA_DIR: path.join(dataDir, "pglite"), DATABASE_URL: undefined, EMBEDDED_DB: undefined });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...TS_ENTRY_FLAGS, "scripts/cli.ts", ...args], { env });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("the embedded database", () => {
  it("is created and migrated on first use, and reused by the next process", async () => {
    const added = await cli("tenant:add", "--name", "Embedded Winery", "--shop", "embedded.myshopify.com", "--json");
    expect(added.code).toBe(0);
    const listed = await cli("tenant:list", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: "Embedded Winery", shop: "embedded.myshopify.com" })]);
  }, 120_000);
});
