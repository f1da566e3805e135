import type { FullConfig } from "@playwright/test";
import { createTestDatabase, setTestEnvironment } from "@/test/database";
import { freePort } from "@/scripts/processes";
import { startStack } from "@/scripts/stack";

// One stack for the browser tests: a fresh database, both simulators, the demo data (for people, not for tests: each
// test makes its own wineries, see e2e/fixtures.ts) and `next start` on a free port. Tests read where everything is
// from the environment.

/** Starts the stack and publishes where it is in this process's environment; the answer stops it. */
export async function startE2eStack(): Promise<() => Promise<void>> {
  setTestEnvironment();
  const database = await createTestDatabase("e2e");
  // The app logs every request and sync step; a test run needs only its warnings and errors.
  process.env.LOG_LEVEL ??= "warn";
  process.env.DATABASE_URL = database.url;
  if (database.kind === "pglite") process.env.EMBEDDED_DB = "1";
  const port = await freePort();
  process.env.APP_URL = `http://127.0.0.1:${port}`;
  const stack = await startStack({ port, simulators: true, log: (l) => console.log(`[e2e] ${l}`), appOutput: "ignore" });
  process.env.E2E_APP_URL = stack.appUrl;
  process.env.E2E_VINTRACE_URL = stack.vintrace!.url;
  process.env.E2E_SHOPIFY_URL = stack.shopify!.url;
  process.env.E2E_MAIL_URL = stack.mail?.httpUrl ?? "";
  return async () => {
    await stack.stop();
    await database.drop();
  };
}

/** Playwright's global setup: a stack of its own, unless whoever started Playwright runs one already (scripts/test.ts --shuffle). */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (process.env.E2E_APP_URL) return async () => {};
  return startE2eStack();
}
