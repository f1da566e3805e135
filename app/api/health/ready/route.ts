// GET /api/health/ready: whether this instance should get traffic (503 while not). /api/health stays the
// liveness check: it answers as long as the process serves requests.
import { getDb } from "@/server/db";
import { readinessReport } from "@/server/health";
import { withRequestContext } from "@/server/observability/request-context";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return withRequestContext(request, async () => {
    const report = await readinessReport(getDb());
    return Response.json(report, { status: report.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
  });
}
