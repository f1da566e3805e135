// What every topic handler receives once a delivery is verified, and the one way a delivery is recorded.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import { decryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { sqlTimestamp } from "@/server/lib/sql-time";
import { logger } from "@/server/observability/log";
import { FORGERY_SUSPECTED, WEBHOOK_SECRET_UNREADABLE } from "@/server/shopify/webhooks/notices";
import type { DeliveryHeaders } from "@/server/shopify/webhooks/verify";

/** The tenant a shop domain belongs to, as the webhook path needs it (one indexed lookup). */
export interface WebhookTenant {
  id: string;
  shopDomain: string;
  /** Shopify's numeric shop id, once known */
  shopifyShopId: string | null;
  status: "ACTIVE" | "PAUSED" | "UNINSTALLED";
  webhookSecretEnc: string | null;
  installedAt: Date | null;
  /** when the app's uninstall from the shop took effect (the connection's revokedAt) */
  uninstalledAt: Date | null;
  /** the connection still holds an access or refresh token */
  holdsToken: boolean;
}

/** Anything that can run raw SQL: the client or a transaction. */
export type SqlRunner = Pick<Db, "$executeRaw" | "$queryRaw">;

export interface VerifiedDelivery {
  db: Db;
  /** asks Shopify, with the shop's own token, before an uninstall or an erasure is acted on */
  shopify: Shopify;
  now: Date;
  shopDomain: string;
  topic: string;
  headers: DeliveryHeaders;
  rawBody: string;
  tenant: WebhookTenant | null;
}

export async function findWebhookTenant(db: SqlRunner, shopDomain: string): Promise<WebhookTenant | null> {
  const rows = await db.$queryRaw<WebhookTenant[]>`
    SELECT t."id", t."shopDomain", t."shopifyShopId", t."status"::text AS "status", c."webhookSecretEnc", c."installedAt",
           c."revokedAt" AS "uninstalledAt", coalesce(c."accessTokenEnc" IS NOT NULL OR c."refreshTokenEnc" IS NOT NULL, false) AS "holdsToken"
    FROM "Tenant" t LEFT JOIN "ShopifyConnection" c ON c."tenantId" = t."id"
    WHERE t."shopDomain" = ${shopDomain}`;
  return rows[0] ?? null;
}

/**
 * The shop named in the body, for deliveries that came without the header (compliance deliveries have arrived so):
 * `shop_domain` in compliance bodies, `myshopify_domain` in app/uninstalled's (the Shop resource).
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

/** Shopify's dedup key is the event id; deliveries without one fall back to the webhook id. */
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
            ${dedupKeyOf(headers)}, ${sqlTimestamp(isoOrNull(headers.triggeredAt))}, ${sqlTimestamp(delivery.now)}, ${outcome})
    ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING`;
  return inserted > 0;
}

export const textResponse = (status: number, message: string) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export const acknowledged = () => new Response(null, { status: 200 });

export interface SuspectedForgery {
  /** the winery the delivery was aimed at, when we know it */
  tenantId: string | null;
  topic: string;
  reason: string;
  /** what the delivery's header and body name; never the body itself, which may hold personal data */
  headerShop?: string | null;
  bodyShop?: string | null;
  bodyShopId?: string | null;
  webhookId?: string | null;
  orderGid?: string;
}

/** Records a delivery we refused or did not act on because it may be forged; the support digest lists these. */
export async function recordSuspectedForgery(db: Pick<Db, "auditEvent">, at: Date, forgery: SuspectedForgery): Promise<void> {
  const { tenantId, ...details } = forgery;
  await recordAudit(db, { action: FORGERY_SUSPECTED, tenantId, details: details as Prisma.InputJsonObject, at });
}

/** A shop's own webhook secret, or why it cannot be read (a ciphertext from another winery or column, a retired key). */
export function ownWebhookSecret(tenant: { id: string; webhookSecretEnc: string }): { ok: true; secret: string } | { ok: false; problem: string } {
  try {
    return { ok: true, secret: decryptSecret(tenant.webhookSecretEnc, { tenantId: tenant.id, column: "ShopifyConnection.webhookSecretEnc" }) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** One audit row per winery and hour at most: every refused delivery would otherwise write one. */
const UNREADABLE_SECRET_AUDIT_EVERY_MS = 60 * 60_000;

/**
 * A delivery for a shop whose own secret cannot be decrypted cannot be verified: it is refused with 401, so Shopify
 * retries it once the secret is entered again, nothing is stored, and the support team is told (never the secret).
 */
export async function refuseUnreadableSecret(
  db: Pick<Db, "auditEvent">,
  at: Date,
  refused: { tenantId: string; shopDomain: string; topic: string; problem: string },
): Promise<Response> {
  const { tenantId, ...details } = refused;
  logger().error({ tenantId, topic: refused.topic, shop: refused.shopDomain, problem: refused.problem }, "webhook refused: the shop's own webhook secret cannot be decrypted");
  const recent = await db.auditEvent.findFirst({
    where: { tenantId, action: WEBHOOK_SECRET_UNREADABLE, createdAt: { gt: new Date(at.getTime() - UNREADABLE_SECRET_AUDIT_EVERY_MS) } },
    select: { id: true },
  });
  if (!recent) await recordAudit(db, { action: WEBHOOK_SECRET_UNREADABLE, tenantId, details, at });
  return textResponse(401, "The shop's own webhook secret cannot be read, so the signature cannot be checked");
}
