// Shop-specific webhook subscriptions stay alive: Shopify removes one after its retries run out (8 retries over 4
// hours), and unlike the app-wide ones in shopify.app.toml it does not bring it back. This lists the shop's
// subscriptions, re-creates the ones we need that are gone, and remembers the outcome on the connection so the Overview
// can say what is wrong. The sync engine's job runner calls it on a schedule; the install calls it once.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { webhookTopicEnum, type ShopifyAdmin, type ShopifyAdminOptions } from "@/server/shopify/admin";
import { getEnv } from "@/server/env";
import { adminForTenant } from "@/server/shopify/tokens";

export const SUBSCRIBED_TOPICS = ["orders/create", "app/uninstalled"] as const;
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
  const result: SubscriptionCheck = { checkedAt, callbackUrl, present: [], created: [], failures: [], problem: null };

  let admin: ShopifyAdmin | undefined;
  try {
    admin = await adminForTenant(db, tenantId, { ...options.admin, shopify: options.shopify });
    const existing = await admin.listWebhookSubscriptions();
    for (const topic of SUBSCRIBED_TOPICS) {
      const live = existing.some((s) => webhookTopicEnum(s.topic) === webhookTopicEnum(topic) && s.uri === callbackUrl);
      if (live) {
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
    // No token, or the list itself failed: every topic is unknown.
    const pending = SUBSCRIBED_TOPICS.filter((t) => !result.present.includes(t) && !result.created.includes(t));
    result.failures.push(...pending.map((topic) => explain(topic, error)));
  }
  result.problem = describeProblem(result.failures);

  await db.shopifyConnection.updateMany({ where: { tenantId }, data: { subscriptionsCheckedAt: checkedAt, subscriptionsProblem: result.problem } });
  if (result.created.length || result.failures.length) {
    await recordAudit(db, {
      action: "shopify.webhook_subscriptions",
      tenantId,
      details: { callbackUrl, created: result.created, failures: result.failures.map((f) => ({ ...f })) },
    });
  }
  return result;
}
