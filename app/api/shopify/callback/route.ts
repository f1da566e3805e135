// Completes the OAuth install: server/shopify/install.ts.
import { getDb } from "@/server/db";
import { completeInstall } from "@/server/shopify/install";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return (await completeInstall(request, { db: getDb() })).response;
}
