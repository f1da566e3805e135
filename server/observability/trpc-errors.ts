// Procedure errors, as the tRPC route's onError logs them: by procedure and code, never with the input (it may be
// a password). An unexpected error's message and stack are logged once, under the reference the user is shown
// (server/api/trpc.ts), so this line only says which procedure failed.
import "server-only";
import type { TRPCError } from "@trpc/server";
import { logger } from "./log";

export function logTrpcError({ error, path, type, ctx }: { error: TRPCError; path: string | undefined; type: string; ctx?: { user?: { id: string } | null } }): void {
  const unexpected = error.code === "INTERNAL_SERVER_ERROR" || (error.cause instanceof Error && error.cause.name.startsWith("PrismaClient"));
  const fields = { procedure: path ?? null, type, code: error.code, userId: ctx?.user?.id ?? null };
  if (unexpected) logger().error(fields, "trpc procedure failed");
  else logger().info({ ...fields, message: error.message }, "trpc procedure refused");
}
