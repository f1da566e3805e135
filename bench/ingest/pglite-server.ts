// Serves an embedded PGlite database for the ingest benchmark from a process of its own; prints "URL <url>".
import { startEmbeddedDatabase } from "@/server/embedded";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: pglite-server.ts <data-dir>");
  process.exit(2);
}
const database = await startEmbeddedDatabase(dataDir);
console.log(`URL ${database.url}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void database.stop().finally(() => process.exit(0));
  });
}
