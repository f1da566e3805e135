// The verification of a business delivery (orders/create and the after-sale topics), the path Shopify times (it gives
// up after 5 s) and the one that carries the load. Most shops sign with the app secret, so the delivery is checked
// against it first, in memory; then ONE statement finds the tenant and stores what the topic keeps. The statement
// only stores when the tenant is installed and really signs with the app secret; for a shop with its own secret it
// stores nothing, and the delivery is checked again against that secret. So the outcome is the same as "look the
// tenant up, then verify with its secret", at half the database work.
import "server-only";
import type { Db } from "@/server/db";
import type { TenantStatus } from "@/server/generated/prisma/client";
import { acknowledged, findWebhookTenant, ownWebhookSecret, refuseUnreadableSecret, textResponse } from "@/server/shopify/webhooks/delivery";
import { verifyDelivery, type DeliveryHeaders } from "@/server/shopify/webhooks/verify";

export interface ShopDelivery {
  rawBody: string;
  headers: DeliveryHeaders & { shopDomain: string };
  db: Db;
  appSecret: string;
  now: Date;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** What the topic's single statement says about the tenant it looked for. */
export interface StoreOutcome {
  /** null: no tenant has this shop domain */
  tenantStatus: TenantStatus | null;
  ownSecret: boolean | null;
}

export interface ShopTopic<T> {
  name: string;
  /** the body, read once its signature holds */
  parse(rawBody: string): Parsed<T>;
  /** stores it if the tenant is installed and signs as `signedWithOwnSecret` says */
  store(value: T, signedWithOwnSecret: boolean): Promise<StoreOutcome>;
}

/** The body as JSON, or the 400 that says it is not. */
export function parseJson(rawBody: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(rawBody) };
  } catch {
    return { ok: false, response: textResponse(400, "The body is not valid JSON") };
  }
}

const notInstalled = (shop: string) => textResponse(404, `No installed shop ${shop}`);

export async function acceptShopDelivery<T>(delivery: ShopDelivery, topic: ShopTopic<T>): Promise<Response> {
  const { rawBody, headers, db, appSecret } = delivery;

  const byApp = verifyDelivery({ rawBody, headers, secret: appSecret, lenient: false });
  if (byApp.ok) {
    const parsed = topic.parse(rawBody);
    if (!parsed.ok) return parsed.response;
    const stored = await topic.store(parsed.value, false);
    if (stored.tenantStatus === null || stored.tenantStatus === "UNINSTALLED") return notInstalled(headers.shopDomain);
    if (!stored.ownSecret) return acknowledged();
    // The shop signs with its own secret, and this was signed with the app's: checked below, and refused.
  } else if (byApp.status === 400) {
    return textResponse(400, byApp.reason);
  }

  const tenant = await findWebhookTenant(db, headers.shopDomain);
  if (!tenant?.webhookSecretEnc) return textResponse(401, "Invalid signature");
  const own = ownWebhookSecret({ id: tenant.id, webhookSecretEnc: tenant.webhookSecretEnc });
  if (!own.ok) return refuseUnreadableSecret(db, delivery.now, { tenantId: tenant.id, shopDomain: headers.shopDomain, topic: topic.name, problem: own.problem });
  const byShop = verifyDelivery({ rawBody, headers, secret: own.secret, lenient: false });
  if (!byShop.ok) return textResponse(byShop.status, byShop.reason);
  const parsed = topic.parse(rawBody);
  if (!parsed.ok) return parsed.response;
  const stored = await topic.store(parsed.value, true);
  if (stored.tenantStatus === null || stored.tenantStatus === "UNINSTALLED") return notInstalled(headers.shopDomain);
  // The shop's secret was removed between the two statements: nothing was stored, so Shopify should try again.
  if (!stored.ownSecret) return textResponse(401, "Invalid signature");
  return acknowledged();
}
