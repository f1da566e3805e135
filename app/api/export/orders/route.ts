// The sync log as CSV, with the same filters as the page. A route handler rather than a tRPC call so the browser
// downloads it as a file, streamed page by page; so it checks the session itself and asks the same access rule as
// the tenant-scoped builder.
import { canAccessTenant, visibleTenantIds } from "@/server/auth/access";
import { getCurrentUser } from "@/server/auth/current-user";
import { CAUSES } from "@/lib/causes";
import { syncLogFilterSchema, SYNC_STATUSES } from "@/server/orders/sync-log";
import { syncLogCsv } from "@/server/orders/sync-log-csv";
import { getDb } from "@/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const list = (value: string | null) => (value ? value.split(",").map((v) => v.trim()).filter(Boolean) : undefined);

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function GET(request: Request): Promise<Response> {
  const db = getDb();
  const user = await getCurrentUser(db);
  if (!user) return text(401, "Sign in first.");
  const params = new URL(request.url).searchParams;
  const tenant = params.get("winery");
  if (tenant && !canAccessTenant(user, tenant)) return text(403, "You do not have access to this winery.");
  const tenantIds = tenant ? [tenant] : visibleTenantIds(user);

  const filter = syncLogFilterSchema.safeParse({
    statuses: list(params.get("status"))?.filter((s) => (SYNC_STATUSES as readonly string[]).includes(s)),
    causes: list(params.get("cause"))?.filter((c) => (CAUSES as readonly string[]).includes(c)),
    from: params.get("from") || undefined,
    to: params.get("to") || undefined,
    search: params.get("q") || undefined,
    changes: params.get("changes") || undefined,
  });
  if (!filter.success) return text(400, `Bad filter: ${filter.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);

  const encoder = new TextEncoder();
  const chunks = syncLogCsv(db, { tenantIds }, filter.data);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="sync-log-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
