// Each shop must receive each topic exactly once, and which subscriptions deliver it depends on how the shop is connected:
// - Installed through OAuth: the app-wide subscriptions in shopify.app.toml deliver every topic we need (Shopify keeps
//   them for every shop the app is installed on, and its Admin API does not list them). A shop-specific subscription
//   to the same topic would deliver it a second time, so for these shops the check creates none and removes any it
//   finds at our address (made by earlier versions of the app, which subscribed on install).
// - Connected by a custom app's token: the custom app is not an install of this app, so the toml does not apply.
//   Shop-specific subscriptions deliver, and they must stay alive: Shopify removes one after its retries run out
//   (8 retries over 4 hours) and does not bring it back. The check re-creates the ones that are gone.
// Either way the outcome is remembered on the connection so the Overview can say what is wrong. The job scheduler runs
// the check hourly for every connected shop; the OAuth install runs it once.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { webhookTopicEnum, type ShopifyAdmin, type ShopifyAdminOptions } from "@/server/shopify/admin";
import { getEnv } from "@/server/env";
import { adminForTenant } from "@/server/shopify/tokens";

/** orders/create sends orders; the after-sale topics tell of their changes once sent; app/uninstalled ends it. */
export const SUBSCRIBED_TOPICS = ["orders/create", "orders/cancelled", "orders/updated", "orders/edited", "refunds/create", "app/uninstalled"] as const;
export const WEBHOOK_CALLBACK_PATH = "/api/webhooks/shopify";

export interface SubscriptionFailure {
  topic: string;
  message: string;
}

export interface SubscriptionCheck {
  checkedAt: Date;
  callbackUrl: string;
  /** topics already subscribed at our address */
  present: string[];
  /** topics re-created by this check */
  created: string[];
  /** shop-specific subscriptions removed because shopify.app.toml already delivers their topic (OAuth installs) */
  removed: string[];
  failures: SubscriptionFailure[];
  /** what the Overview shows; null when every topic is subscribed */
  problem: string | null;
}

export interface SubscriptionOptions {
  shopify?: Shopify;
  /** default: APP_URL */
  appUrl?: string;
  now?: () => Date;
  admin?: ShopifyAdminOptions;
}

const PROTECTED_DATA_HINT =
  "Shopify has not approved this app for protected customer data: request access (Level 2: name, email, phone, address) in the Partner Dashboard under API access, then this check subscribes again on its own.";

function explain(topic: string, error: unknown): SubscriptionFailure {
  const message = error instanceof Error ? error.message : String(error);
  return { topic, message: /protected customer data/i.test(message) ? `${message} ${PROTECTED_DATA_HINT}` : message };
}

function describeProblem(failures: SubscriptionFailure[]): string | null {
  if (!failures.length) return null;
  return failures.map((f) => `${f.topic}: ${f.message}`).join("\n");
}

export async function ensureWebhookSubscriptions(db: Db, tenantId: string, options: SubscriptionOptions = {}): Promise<SubscriptionCheck> {
  const checkedAt = options.now?.() ?? new Date();
  const callbackUrl = new URL(WEBHOOK_CALLBACK_PATH, options.appUrl ?? getEnv().APP_URL).href;
  const result: SubscriptionCheck = { checkedAt, callbackUrl, present: [], created: [], removed: [], failures: [], problem: null };
  const connection = await db.shopifyConnection.findUnique({ where: { tenantId }, select: { method: true } });
  const appWide = connection?.method === "OAUTH";

  let admin: ShopifyAdmin | undefined;
  try {
    admin = await adminForTenant(db, tenantId, { ...options.admin, shopify: options.shopify });
    const existing = await admin.listWebhookSubscriptions();
    for (const topic of SUBSCRIBED_TOPICS) {
      const ours = existing.filter((s) => webhookTopicEnum(s.topic) === webhookTopicEnum(topic) && s.uri === callbackUrl);
      if (appWide) {
        for (const duplicate of ours) {
          try {
            await admin.deleteWebhookSubscription(duplicate.id);
            result.removed.push(topic);
          } catch (error) {
            result.failures.push(explain(topic, error));
          }
        }
        continue;
      }
      if (ours.length) {
        result.present.push(topic);
        continue;
      }
      try {
        await admin.createWebhookSubscription(topic, callbackUrl);
        result.created.push(topic);
      } catch (error) {
        result.failures.push(explain(topic, error));
      }
    }
  } catch (error) {
    // No token, or the list itself failed: every topic is unknown. An OAuth install's topics arrive all the same.
    if (!appWide) {
      const pending = SUBSCRIBED_TOPICS.filter((t) => !result.present.includes(t) && !result.created.includes(t));
      result.failures.push(...pending.map((topic) => explain(topic, error)));
    }
  }
  result.problem = describeProblem(result.failures);

  await db.shopifyConnection.updateMany({ where: { tenantId }, data: { subscriptionsCheckedAt: checkedAt, subscriptionsProblem: result.problem } });
  if (result.created.length || result.removed.length || result.failures.length) {
    await recordAudit(db, {
      action: "shopify.webhook_subscriptions",
      tenantId,
      details: { callbackUrl, created: result.created, removed: result.removed, failures: result.failures.map((f) => ({ ...f })) },
    });
  }
  return result;
}
