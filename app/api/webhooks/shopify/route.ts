// Shopify webhooks: the logic is server/shopify/webhooks/handle.ts, testable without Next. proxy.ts does not run for
// this path; answerUnproxied sets the headers it would have.
import { getDb } from "@/server/db";
import { answerUnproxied, methodNotAllowed } from "@/server/http/unproxied-route";
import { getShopify } from "@/server/shopify/api";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return answerUnproxied(request, () => handleShopifyWebhook(request, { db: getDb(), shopify: getShopify() }));
}

export const GET = methodNotAllowed("POST");
export const PUT = methodNotAllowed("POST");
export const PATCH = methodNotAllowed("POST");
export const DELETE = methodNotAllowed("POST");
export const OPTIONS = methodNotAllowed("POST");
