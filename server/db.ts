import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/server/generated/prisma/client";

export type Db = PrismaClient;

// In embedded mode PGlite is one session, so one connection per process (EMBEDDED_DB is set by the launcher).
export function createPrisma(url = process.env.DATABASE_URL): PrismaClient {
  if (!url) throw new Error("DATABASE_URL is not set: start through `npm run demo`/`npm start`, which provide one");
  const embedded = process.env.EMBEDDED_DB === "1";
  const adapter = new PrismaPg({ connectionString: url, max: embedded ? 1 : Number(process.env.DB_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** The process-wide client (kept on globalThis so Next's dev reloads do not open new pools). */
export function getDb(): PrismaClient {
  globalForPrisma.prisma ??= createPrisma();
  return globalForPrisma.prisma;
}
