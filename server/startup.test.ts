// An invalid setting stops every process we run at its start, naming the variable: the standalone worker, `npm
// start` (before it touches the database or builds), and the app's own server, whose in-app worker must not carry
// on with defaults in its place.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { register } from "@/instrumentation";
import { childEnv, setTestEnv } from "@/test/env";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";

// Nothing listens on port 9: a process that got as far as its database would fail there, without naming the setting.
const UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:9/none";

async function run(script: string, changes: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, [...TS_ENTRY_FLAGS, script], { env: childEnv({ DATABASE_URL: UNREACHABLE_DATABASE, ...changes }), timeout: 60_000 });
    return { code: 0, stderr: "" };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("an invalid setting at start", () => {
  it("stops `npm run worker` with a non-zero exit that names the variable", async () => {
    const result = await run("scripts/worker.ts", { WORKER_CONCURRENCY: "lots" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("WORKER_CONCURRENCY");
  }, 60_000);

  it("stops `npm start` before the database and the build, naming the variable", async () => {
    const result = await run("scripts/start.ts", { SYNC_MAX_ATTEMPTS: "0" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("SYNC_MAX_ATTEMPTS");
    expect(result.stderr).not.toContain("127.0.0.1:9");
  }, 60_000);

  describe("the app's server (instrumentation register)", () => {
    let restore = () => {};
    afterEach(() => restore());

    it("refuses to start the in-app worker on an invalid setting instead of using a default", async () => {
      restore = setTestEnv({ NEXT_RUNTIME: "nodejs", WORKER_MODE: "in-app", SYNC_MAX_ATTEMPTS: "0" });
      await expect(register()).rejects.toThrow(/SYNC_MAX_ATTEMPTS/);
    });

    it("refuses an invalid worker setting in the app too", async () => {
      restore = setTestEnv({ NEXT_RUNTIME: "nodejs", WORKER_MODE: "in-app", WORKER_CONCURRENCY: "lots" });
      await expect(register()).rejects.toThrow(/WORKER_CONCURRENCY/);
    });

    it("checks the settings of a web-only instance (WORKER_MODE=off) as well", async () => {
      restore = setTestEnv({ NEXT_RUNTIME: "nodejs", WORKER_MODE: "off", RETENTION_DAYS: "-3" });
      await expect(register()).rejects.toThrow(/RETENTION_DAYS/);
    });
  });
});
