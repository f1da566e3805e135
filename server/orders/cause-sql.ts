import "server-only";
import { Prisma } from "@/server/generated/prisma/client";
import { DIAGNOSED_CAUSES } from "@/lib/causes";
import { NO_PRODUCT_LINES_PREFIX } from "@/lib/no-product-lines";

/**
 * The cause of a row's last error, in SQL over "OrderSync" aliased as `s` (lib/causes.ts `causeOf`, the same rule):
 * the diagnosed cause when one was recorded, else what the error class says. NULL when it has none.
 */
export const causeSql = Prisma.sql`(CASE
  WHEN s."lastErrorClass" IS NULL THEN NULL
  WHEN s."lastErrorClass" = 'TRANSIENT' AND s."lastErrorMessage" ILIKE '%shopify%' THEN 'SHOPIFY_UNREACHABLE'
  WHEN s."lastErrorClass" = 'TRANSIENT' THEN 'VINTRACE_UNREACHABLE'
  WHEN s."lastErrorClass" = 'RATE_LIMITED' THEN 'RATE_LIMITED'
  WHEN s."lastErrorCause" IN (${Prisma.join([...DIAGNOSED_CAUSES])}) THEN s."lastErrorCause"
  WHEN s."lastErrorClass" = 'VALIDATION' AND starts_with(s."lastErrorMessage", ${NO_PRODUCT_LINES_PREFIX}::text) THEN 'NO_PRODUCT_LINES'
  ELSE s."lastErrorClass"::text
END)`;
