import { createPrisma, type Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { ensureDatabase } from "@/server/runtime";
import { runCli } from "@/server/cli/main";
import { loadLocalSecrets } from "./local-secrets";

loadLocalSecrets();
let db: Db | undefined;
let stop: (() => Promise<void>) | undefined;
const outcome = await runCli(process.argv.slice(2), async () => {
  const database = await ensureDatabase(getEnv());
  stop = () => database.stop();
  db = createPrisma(database);
  return db;
});
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
await db?.$disconnect();
await stop?.();
process.exit(outcome.exitCode);
