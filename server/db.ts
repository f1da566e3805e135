import "server-only";
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getEnv } from "@/server/env";
import { logger } from "@/server/observability/log";
import { PrismaClient, type Prisma } from "@/server/generated/prisma/client";

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

// The pool under each client, for queryRows. On globalThis for the same reason as the databases.
const globalForPools = globalThis as unknown as { prismaPools?: WeakMap<object, pg.Pool> };
const pools = (globalForPools.prismaPools ??= new WeakMap<object, pg.Pool>());

export function createPrisma(database: DatabaseRuntime = databaseFromEnv(), poolSize = DEFAULT_POOL_SIZE): PrismaClient {
  const pool = new pg.Pool({ connectionString: database.url, max: database.embedded ? 1 : poolSize });
  // An idle connection the server closes (a restart, a dropped database) is an 'error' event on the pool, which
  // would end the process if nothing listened; the pool opens a new connection when one is next needed.
  pool.on("error", (error) => logger().warn({ err: error }, "database: an idle connection was closed"));
  // The client owns the pool: $disconnect ends it, as it would a pool the adapter had made itself.
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  databases.set(client, { url: database.url, embedded: database.embedded });
  pools.set(client, pool);
  return client;
}

/**
 * One raw statement, sent straight to the client's own connection pool (the one Prisma's queries use) rather than
 * through Prisma's query engine, which compiles every raw statement in WebAssembly before sending it. For the
 * webhook intake's single statement, on the path that carries the load, that compiling was about a sixth of a
 * delivery's CPU (bench/README.md). Any other client, such as a transaction's, runs it as `$queryRaw`.
 *
 * The statement's text must be the same every time, with everything that varies in its values: it is prepared once
 * per connection (below). Two more differences from `$queryRaw`: the parameters go untyped, so cast each one whose
 * type the statement does not fix (`${value}::text`); and the rows come back as node-postgres types them, so keep to
 * text, boolean and int columns (cast in SQL), which both read alike.
 */
export async function queryRows<T>(db: Pick<PrismaClient, "$queryRaw">, query: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(db);
  if (!pool || pool.ending || pool.ended) return db.$queryRaw<T[]>(query);
  const result = await pool.query({ name: statementName(query.text), text: query.text, values: query.values });
  return result.rows as T[];
}

// Each statement is prepared once per connection under a name of its own, so the database parses and plans the
// intake's large statement once rather than on every delivery: that halved the database's CPU per delivery.
// The names are kept for the few fixed statements queryRows runs; past that, statements go unnamed.
const MAX_NAMED_STATEMENTS = 32;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known || statementNames.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `vs_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
  statementNames.set(text, name);
  return name;
}

/** The database a client from createPrisma works on (undefined for any other client, such as a transaction's). */
export const databaseOf = (db: object): DatabaseRuntime | undefined => databases.get(db);

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** The process-wide client (kept on globalThis so Next's dev reloads do not open new pools). */
export function getDb(): PrismaClient {
  globalForPrisma.prisma ??= createPrisma(databaseFromEnv(), getEnv().DB_POOL_SIZE);
  return globalForPrisma.prisma;
}
