import { createPrisma, type Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { ensureDatabase } from "@/server/runtime";
import { runCli } from "@/server/cli/main";
import { loadLocalSecrets } from "./localSecrets";

loadLocalSecrets();
let db: Db | undefined;
let stop: (() => Promise<void>) | undefined;
const outcome = await runCli(process.argv.slice(2), async () => {
  getEnv();
  const { embedded } = await ensureDatabase();
  stop = embedded?.owned ? () => embedded.stop() : undefined;
  db = createPrisma();
  return db;
});
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
await db?.$disconnect();
await stop?.();
process.exit(outcome.exitCode);
