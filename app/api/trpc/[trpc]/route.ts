import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { getCurrentUser } from "@/server/auth/current-user";
import { getDb } from "@/server/db";
import { withRequestContext } from "@/server/observability/request-context";
import { logTrpcError } from "@/server/observability/trpc-errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handler(req: Request) {
  return withRequestContext(req, () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: async () => ({ db: getDb(), user: await getCurrentUser(getDb()) }),
      onError: logTrpcError,
    }),
  );
}

export { handler as GET, handler as POST };
