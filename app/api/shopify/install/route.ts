// Starts the OAuth install: server/shopify/install.ts.
import { beginInstall } from "@/server/shopify/install";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return beginInstall(request);
}
