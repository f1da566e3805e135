// GET /api/metrics: Prometheus text. Open to scrapes from this machine, otherwise behind METRICS_TOKEN
// (server/observability/metrics-access.ts). What each metric means: docs/operations.md.
import { getDb } from "@/server/db";
import { logError } from "@/server/observability/log";
import { metricsAccess } from "@/server/observability/metrics-access";
import { metricsText } from "@/server/observability/database-metrics";
import { withRequestContext } from "@/server/observability/request-context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return withRequestContext(request, async () => {
    const access = metricsAccess(request.headers);
    if (!access.ok) {
      const headers: Record<string, string> = { "Cache-Control": "no-store" };
      if (access.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="metrics"';
      return new Response(access.reason, { status: access.status, headers });
    }
    try {
      const { contentType, body } = await metricsText(getDb());
      return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
    } catch (error) {
      logError("metrics: could not read the database", error);
      return new Response("The database did not answer.", { status: 503, headers: { "Cache-Control": "no-store" } });
    }
  });
}
