import { Prisma } from "@/server/generated/prisma/client";

/** DateTime columns hold UTC wall time (Prisma's convention), whatever the session's time zone. */
export const UTC_NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);
