// Opening the app from the Shopify admin (application_url; next.config.mjs routes the root here when Shopify signed
// the query): server/shopify/launch.ts.
import { getDb } from "@/server/db";
import { viewerForPage } from "@/server/auth/pages";
import { handleLaunch } from "@/server/shopify/launch";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return handleLaunch(request, { db: getDb(), signedIn: async () => (await viewerForPage()) !== null });
}
