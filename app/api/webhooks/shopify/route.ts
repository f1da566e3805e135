// Shopify webhooks: the logic is server/shopify/webhooks/handle.ts, testable without Next.
import { getDb } from "@/server/db";
import { getShopify } from "@/server/shopify/api";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleShopifyWebhook(request, { db: getDb(), shopify: getShopify() });
}
