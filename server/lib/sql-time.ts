// Times in raw SQL statements. Prisma keeps DateTime columns as `timestamp(3) without time zone` holding UTC wall
// time; a raw statement must write and compare them the same way, whatever the session's time zone is.
import "server-only";
import { Prisma } from "@/server/generated/prisma/client";

/** The current time as a DateTime column holds it. */
export const UTC_NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);

/** A DateTime column value: UTC ISO text (as `Date.toISOString` gives), cast; null stays null. */
export function sqlTimestamp(value: Date | string | null): Prisma.Sql {
  return Prisma.sql`${value instanceof Date ? value.toISOString() : value}::timestamp(3)`;
}
