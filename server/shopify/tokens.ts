// Shopify access for one tenant. Offline tokens from OAuth expire after an hour and come with a rotating refresh
// token: a token expiring within 5 minutes is refreshed before use, under a row lock on the ShopifyConnection so two
// callers never spend the same refresh token, and the new pair is stored in the same transaction. A caller that
// waited on the lock finds the fresh token and uses it.
import "server-only";
import { HttpResponseError, type Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import { decryptSecret, encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { createShopifyAdmin, type ShopifyAdmin, type ShopifyAdminOptions } from "@/server/shopify/admin";
import { getShopify } from "@/server/shopify/api";
import { learnShopId } from "@/server/shopify/shop-id";
import { everWentLive } from "@/server/tenants/go-live";

export const REFRESH_MARGIN_MS = 5 * 60_000;

export type ShopifyAccessErrorKind =
  /** the tenant has no Shopify connection at all */
  | "NOT_CONNECTED"
  /** the app was uninstalled from the shop */
  | "UNINSTALLED"
  /** Shopify no longer accepts our tokens (revoked, refresh refused, refresh token expired): reinstall or re-enter */
  | "REVOKED"
  /** asking Shopify for a fresh token failed in a way that may pass (network, 5xx) */
  | "REFRESH_FAILED";

export class ShopifyAccessError extends Error {
  readonly kind: ShopifyAccessErrorKind;
  readonly retryable: boolean;
  readonly tenantId: string;

  constructor(kind: ShopifyAccessErrorKind, tenantId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ShopifyAccessError";
    this.kind = kind;
    this.tenantId = tenantId;
    this.retryable = kind === "REFRESH_FAILED";
  }
}

export interface ShopifyAccess {
  shop: string;
  accessToken: string;
}

export interface TokenOptions {
  shopify?: Shopify;
  now?: () => Date;
  /** use a stored token even though we marked the app uninstalled or the token revoked: to ask Shopify whether it is */
  evenIfUninstalled?: boolean;
}

interface ConnectionState {
  shopDomain: string;
  shopifyShopId: string | null;
  tenantStatus: string;
  accessTokenEnc: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenEnc: string | null;
  refreshTokenExpiresAt: Date | null;
  revokedAt: Date | null;
}

/** The stored token when it can be used as is; null when it must be refreshed first. Throws when there is none. */
function currentToken(tenantId: string, state: ConnectionState | null, now: Date, evenIfUninstalled = false): ShopifyAccess | null {
  if (!state) throw new ShopifyAccessError("NOT_CONNECTED", tenantId, "This winery has no Shopify connection");
  if (state.tenantStatus === "UNINSTALLED" && !evenIfUninstalled) throw new ShopifyAccessError("UNINSTALLED", tenantId, `The app is uninstalled from ${state.shopDomain}`);
  if ((state.revokedAt && !evenIfUninstalled) || !state.accessTokenEnc) {
    throw new ShopifyAccessError("REVOKED", tenantId, `No valid Shopify token for ${state.shopDomain}: install the app again or enter a new token`);
  }
  const access = { shop: state.shopDomain, accessToken: decryptSecret(state.accessTokenEnc, { tenantId, column: "ShopifyConnection.accessTokenEnc" }) };
  const expiresAt = state.accessTokenExpiresAt?.getTime();
  if (expiresAt === undefined || expiresAt - now.getTime() > REFRESH_MARGIN_MS) return access;
  if (!state.refreshTokenEnc) {
    if (expiresAt > now.getTime()) return access;
    throw new ShopifyAccessError("REVOKED", tenantId, `The Shopify token for ${state.shopDomain} expired and there is no refresh token: install the app again`);
  }
  return null;
}

async function readState(db: Db, tenantId: string): Promise<ConnectionState | null> {
  const row = await db.shopifyConnection.findUnique({ where: { tenantId }, include: { tenant: { select: { shopDomain: true, shopifyShopId: true, status: true } } } });
  return row && { ...row, shopDomain: row.tenant.shopDomain, shopifyShopId: row.tenant.shopifyShopId, tenantStatus: row.tenant.status };
}

function refreshFailure(tenantId: string, shop: string, error: unknown): ShopifyAccessError {
  const status = error instanceof HttpResponseError ? error.response.code : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ShopifyAccessError("REVOKED", tenantId, `Shopify refused to refresh the token for ${shop} (HTTP ${status}): install the app again`, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ShopifyAccessError("REFRESH_FAILED", tenantId, `Refreshing the Shopify token for ${shop} failed: ${detail}`, { cause: error });
}

/** The shop and a usable access token for the tenant, refreshing an expiring one first. */
export async function getShopifyAccess(db: Db, tenantId: string, options: TokenOptions = {}): Promise<ShopifyAccess> {
  return (await accessWithShopId(db, tenantId, options)).access;
}

/** The access, and the winery's Shopify shop id as stored (null until it is known). */
async function accessWithShopId(db: Db, tenantId: string, options: TokenOptions): Promise<{ access: ShopifyAccess; shopifyShopId: string | null }> {
  const now = () => options.now?.() ?? new Date();
  const state = await readState(db, tenantId);
  const ready = currentToken(tenantId, state, now(), options.evenIfUninstalled);
  if (ready) return { access: ready, shopifyShopId: state?.shopifyShopId ?? null };

  const access = await db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<ConnectionState[]>`
        SELECT t."shopDomain", t."shopifyShopId", t."status"::text AS "tenantStatus", c."accessTokenEnc", c."accessTokenExpiresAt",
               c."refreshTokenEnc", c."refreshTokenExpiresAt", c."revokedAt"
        FROM "ShopifyConnection" c JOIN "Tenant" t ON t."id" = c."tenantId"
        WHERE c."tenantId" = ${tenantId}
        FOR UPDATE OF c`;
      const state = locked[0] ?? null;
      // Whoever held the lock before us may have refreshed already.
      const fresh = currentToken(tenantId, state, now(), options.evenIfUninstalled);
      if (fresh) return fresh;
      const { shopDomain: shop, refreshTokenEnc, refreshTokenExpiresAt } = state as ConnectionState & { refreshTokenEnc: string };
      if (refreshTokenExpiresAt && refreshTokenExpiresAt.getTime() <= now().getTime()) {
        throw new ShopifyAccessError("REVOKED", tenantId, `The Shopify refresh token for ${shop} has expired: install the app again`);
      }
      const shopify = options.shopify ?? getShopify();
      let session;
      try {
        ({ session } = await shopify.auth.refreshToken({ shop, refreshToken: decryptSecret(refreshTokenEnc, { tenantId, column: "ShopifyConnection.refreshTokenEnc" }) }));
      } catch (error) {
        throw refreshFailure(tenantId, shop, error);
      }
      if (!session.accessToken) throw new ShopifyAccessError("REFRESH_FAILED", tenantId, `Shopify returned no access token for ${shop}`);
      await tx.shopifyConnection.update({
        where: { tenantId },
        data: {
          accessTokenEnc: encryptSecret(session.accessToken, { tenantId, column: "ShopifyConnection.accessTokenEnc" }),
          accessTokenExpiresAt: session.expires ?? null,
          // Refresh tokens rotate; keep the old one only if Shopify did not send a successor.
          ...(session.refreshToken
            ? { refreshTokenEnc: encryptSecret(session.refreshToken, { tenantId, column: "ShopifyConnection.refreshTokenEnc" }), refreshTokenExpiresAt: session.refreshTokenExpires ?? null }
            : {}),
          ...(session.scope ? { scopes: session.scope } : {}),
        },
      });
      return { shop, accessToken: session.accessToken };
    },
    // The refresh is an HTTP call made while holding the lock; waiters queue behind it.
    { maxWait: 20_000, timeout: 30_000 },
  );
  return { access, shopifyShopId: state?.shopifyShopId ?? null };
}

/** Wineries whose missing shop id this process has already asked Shopify for, whatever the answer. */
const askedForShopId = new Set<string>();

/**
 * An Admin API client for the tenant's shop, with a token fresh enough for the next few minutes. A winery
 * connected before shop ids were recorded gets its id here: asked once per process, in a single try, so a
 * failure costs the caller one quick request and is left for the next process.
 */
export async function adminForTenant(db: Db, tenantId: string, options: TokenOptions & ShopifyAdminOptions = {}): Promise<ShopifyAdmin> {
  const { access, shopifyShopId } = await accessWithShopId(db, tenantId, options);
  const adminOptions = { ...options, shopify: options.shopify ?? getShopify() };
  if (shopifyShopId === null && !askedForShopId.has(tenantId)) {
    askedForShopId.add(tenantId);
    await learnShopId(db, tenantId, access, adminOptions);
  }
  return createShopifyAdmin(access, adminOptions);
}

export interface ManualConnectionInput {
  tenantId: string;
  /** a custom app's Admin API access token (shpat_…) */
  accessToken: string;
  /** the custom app's webhook signing secret, when its webhooks come to us */
  webhookSecret?: string;
  scopes?: string;
  /** the support user entering it, for the audit trail */
  actor?: { id?: string; email?: string };
}

/**
 * An uninstalled winery whose shop is connected again comes back live if it ever went live, and otherwise to setup,
 * where it was: a token must never let orders out before an owner has finished setting it up. Back in setup, it
 * resumes its wizard step with the clock started again, since the time it spent uninstalled was not spent stuck.
 * Any other winery keeps its status.
 */
async function reconnectTenant(tx: Prisma.TransactionClient, tenantId: string, now: Date): Promise<void> {
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true, setupStep: true } });
  if (tenant.status !== "UNINSTALLED") return;
  const data = (await everWentLive(tx, tenantId))
    ? { status: "ACTIVE" as const }
    : { status: "SETUP" as const, setupStep: tenant.setupStep ?? "CONNECT", setupStepSince: now };
  // Only while still uninstalled: a reinstall racing this one has already decided.
  await tx.tenant.updateMany({ where: { id: tenantId, status: "UNINSTALLED" }, data });
}

/** Support staff connect a shop with a custom-app token instead of OAuth; such tokens do not expire. */
export async function saveManualConnection(db: Db, input: ManualConnectionInput, options: { shopify?: Shopify } = {}): Promise<void> {
  const accessToken = input.accessToken.trim();
  if (!accessToken) throw new Error("The access token is empty");
  const webhookSecret = input.webhookSecret?.trim() || null;
  const fields = {
    method: "MANUAL" as const,
    accessTokenEnc: encryptSecret(accessToken, { tenantId: input.tenantId, column: "ShopifyConnection.accessTokenEnc" }),
    accessTokenExpiresAt: null,
    refreshTokenEnc: null,
    refreshTokenExpiresAt: null,
    webhookSecretEnc: webhookSecret ? encryptSecret(webhookSecret, { tenantId: input.tenantId, column: "ShopifyConnection.webhookSecretEnc" }) : null,
    scopes: input.scopes?.trim() ?? "",
    revokedAt: null,
    installedAt: new Date(),
    // The metafield definition belongs to the app that made it; a custom app's token needs its own.
    metafieldDefinitionAt: null,
  };
  const { shopDomain } = await db.$transaction(async (tx) => {
    await tx.shopifyConnection.upsert({ where: { tenantId: input.tenantId }, create: { tenantId: input.tenantId, ...fields }, update: fields });
    await reconnectTenant(tx, input.tenantId, fields.installedAt);
    await recordAudit(tx, {
      action: "shopify.manual_connection",
      actor: input.actor,
      tenantId: input.tenantId,
      details: { withWebhookSecret: webhookSecret !== null, scopes: fields.scopes },
    });
    return tx.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { shopDomain: true } });
  });
  await learnShopId(db, input.tenantId, { shop: shopDomain, accessToken }, { shopify: options.shopify ?? getShopify() });
}
