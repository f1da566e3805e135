// What every topic handler receives once a delivery is verified, and the one way a delivery is recorded.
import { randomUUID } from "node:crypto";
import type { Db } from "@/server/db";
import type { DeliveryHeaders } from "@/server/shopify/webhooks/verify";

/** The tenant a shop domain belongs to, as the webhook path needs it (one indexed lookup). */
export interface WebhookTenant {
  id: string;
  status: "ACTIVE" | "PAUSED" | "UNINSTALLED";
  webhookSecretEnc: string | null;
  installedAt: Date | null;
}

/** Anything that can run raw SQL: the client or a transaction. */
export type SqlRunner = Pick<Db, "$executeRaw" | "$queryRaw">;

export interface VerifiedDelivery {
  db: Db;
  now: Date;
  shopDomain: string;
  topic: string;
  headers: DeliveryHeaders;
  rawBody: string;
  tenant: WebhookTenant | null;
}

export async function findWebhookTenant(db: SqlRunner, shopDomain: string): Promise<WebhookTenant | null> {
  const rows = await db.$queryRaw<WebhookTenant[]>`
    SELECT t."id", t."status"::text AS "status", c."webhookSecretEnc", c."installedAt"
    FROM "Tenant" t LEFT JOIN "ShopifyConnection" c ON c."tenantId" = t."id"
    WHERE t."shopDomain" = ${shopDomain}`;
  return rows[0] ?? null;
}

/**
 * The shop named in the body, for deliveries that came without the header (§4.7): `shop_domain` in compliance
 * bodies, `myshopify_domain` in app/uninstalled's (the Shop resource).
 */
export function shopDomainFromBody(rawBody: string): string | undefined {
  try {
    const body: unknown = JSON.parse(rawBody);
    const fields = typeof body === "object" && body !== null ? (body as { shop_domain?: unknown; myshopify_domain?: unknown }) : {};
    const domain = fields.shop_domain ?? fields.myshopify_domain;
    return typeof domain === "string" && domain.trim() ? domain.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Shopify's dedup key is the event id; deliveries without one fall back to the webhook id (shopify-notes §1.5). */
export const dedupKeyOf = (headers: DeliveryHeaders) => headers.eventId ?? `webhook:${headers.webhookId ?? ""}`;

/** A timestamp column value: UTC ISO text, because the columns are `timestamp without time zone`. */
export function isoOrNull(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Inserts the delivery unless its dedup key was seen for this shop; true when it is new. */
export async function recordDelivery(db: SqlRunner, delivery: VerifiedDelivery, outcome: string): Promise<boolean> {
  const { headers } = delivery;
  const inserted = await db.$executeRaw`
    INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "webhookId", "eventId", "dedupKey", "triggeredAt", "receivedAt", "outcome")
    VALUES (${randomUUID()}, ${delivery.shopDomain}, ${delivery.topic}, ${headers.webhookId ?? ""}, ${headers.eventId ?? null}::text,
            ${dedupKeyOf(headers)}, ${isoOrNull(headers.triggeredAt)}::timestamp(3), ${delivery.now.toISOString()}::timestamp(3), ${outcome})
    ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING`;
  return inserted > 0;
}

export const textResponse = (status: number, message: string) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export const acknowledged = () => new Response(null, { status: 200 });
