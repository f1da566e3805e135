import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { getEnv } from "@/server/env";
import { PrismaClient } from "@/server/generated/prisma/client";

export type Db = PrismaClient;

/** Which database a process works on, as its launcher (or ensureDatabase) found it. */
export interface DatabaseRuntime {
  url: string;
  /** PGlite: one session, so a pool of one connection, and no LISTEN/NOTIFY */
  embedded: boolean;
}

const DEFAULT_POOL_SIZE = 10;

/** The database named by DATABASE_URL and EMBEDDED_DB, which whatever started this process set for it. */
export function databaseFromEnv(): DatabaseRuntime {
  const env = getEnv();
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set: start through `npm run demo`/`npm start`, which provide one");
  return { url: env.DATABASE_URL, embedded: env.EMBEDDED_DB };
}

// Each client remembers its database, so code that is handed a client knows whether it may LISTEN/NOTIFY there.
// The map lives on globalThis like the client itself: Next.js bundles instrumentation and route handlers separately,
// each with its own copy of this module, and the client one of them made must be recognised by the other.
const globalForDatabases = globalThis as unknown as { prismaDatabases?: WeakMap<object, DatabaseRuntime> };
const databases = (globalForDatabases.prismaDatabases ??= new WeakMap<object, DatabaseRuntime>());

export function createPrisma(database: DatabaseRuntime = databaseFromEnv(), poolSize = DEFAULT_POOL_SIZE): PrismaClient {
  const adapter = new PrismaPg({ connectionString: database.url, max: database.embedded ? 1 : poolSize });
  const client = new PrismaClient({ adapter });
  databases.set(client, { url: database.url, embedded: database.embedded });
  return client;
}

/** The database a client from createPrisma works on (undefined for any other client, such as a transaction's). */
export const databaseOf = (db: object): DatabaseRuntime | undefined => databases.get(db);

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** The process-wide client (kept on globalThis so Next's dev reloads do not open new pools). */
export function getDb(): PrismaClient {
  globalForPrisma.prisma ??= createPrisma(databaseFromEnv(), getEnv().DB_POOL_SIZE);
  return globalForPrisma.prisma;
}
