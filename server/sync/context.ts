// What the engine needs to reach one winery's vintrace and Shopify. Both are injected (tests wire the simulators
// directly), with defaults that read the winery's stored settings: the vintrace address and decrypted API key, and
// a ShopifyAdmin from the token module, which refreshes expiring tokens.
import "server-only";
import type { TenantSettings } from "@/lib/tenant-settings";
import type { StoredTaxPolicy } from "./vintrace-tax-policy";
import { decryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import type { SkuMapping, Tenant, VintraceSettings } from "@/server/generated/prisma/client";
import type { ShopifyAdmin } from "@/server/shopify/admin";
import { createVintraceClient, normaliseVintraceUrl, type VintraceClient, type VintraceExchange } from "@/server/vintrace";
import type { SalesOrderSettings } from "./build-sales-order";
import { defaultTenantPacer, type TenantPacer } from "./pacer";

export interface VintraceClientRequest {
  /** sees every call, redacted: how attempts are recorded */
  onExchange?: (exchange: VintraceExchange) => void;
  /** the winery's settings when the caller already read them (saves a query) */
  settings?: VintraceConnectionSettings;
}

export type VintraceConnectionSettings = Pick<VintraceSettings, "baseUrl" | "apiKeyEnc" | "authScheme">;

export type AdminFor = (tenantId: string) => Promise<ShopifyAdmin>;
export type VintraceFor = (tenantId: string, request?: VintraceClientRequest) => Promise<VintraceClient>;

export interface SyncDeps {
  db: Db;
  adminFor: AdminFor;
  vintraceFor: VintraceFor;
  /** SYNC_MAX_ATTEMPTS */
  maxAttempts: number;
  now: () => Date;
  random: () => number;
  /**
   * After a POST that timed out, the earliest the next attempt may look vintrace up again: vintrace may still be
   * committing the order it did not answer for, and a lookup that comes too soon would miss it and POST again.
   */
  postTimeoutSettleMs: number;
  /** Scales the retry schedule's delays (tests and the benchmark shorten it; 1 in production). */
  retryScale: number;
}

export class NotConnectedError extends Error {}

/** A client for the winery's vintrace from its stored settings, paced per winery. */
export function vintraceFromSettings(
  db: Db,
  options: { timeoutMs?: number; pacer?: TenantPacer; allowlist?: string[] } = {},
): VintraceFor {
  return async (tenantId, request = {}) => {
    const settings = request.settings ?? (await db.vintraceSettings.findUnique({ where: { tenantId } }));
    if (!settings) throw new NotConnectedError("This winery has no vintrace connection yet. Add the vintrace address and API key in Settings.");
    // Checked again at use: an address stored before the allowlist changed must not receive the key.
    const url = normaliseVintraceUrl(settings.baseUrl, options.allowlist ?? getEnv().outboundAllowlist);
    if (!url.ok) throw new NotConnectedError(`The vintrace address in Settings is not usable: ${url.message}`);
    const pacer = options.pacer ?? defaultTenantPacer;
    return createVintraceClient({
      baseUrl: url.url,
      apiKey: decryptSecret(settings.apiKeyEnc, { tenantId, column: "VintraceSettings.apiKeyEnc" }),
      authScheme: settings.authScheme,
      timeoutMs: options.timeoutMs,
      onExchange: request.onExchange,
      fetch: async (input, init) => {
        await pacer.acquire(tenantId);
        return fetch(input, init);
      },
    });
  };
}

/** The token module's ShopifyAdmin for the winery (imported on first use: it loads the Shopify library). */
export function adminFromTokens(db: Db): AdminFor {
  return async (tenantId) => {
    const { adminForTenant } = await import("@/server/shopify/tokens");
    return adminForTenant(db, tenantId);
  };
}

/**
 * Keeps each winery's ShopifyAdmin for `ttlMs`, saving a token read per order. Safe because the token module
 * hands out tokens valid for at least five more minutes; a failure is never kept.
 */
export function cachedAdminFor(adminFor: AdminFor, ttlMs = 60_000): AdminFor {
  const cache = new Map<string, { admin: Promise<ShopifyAdmin>; until: number }>();
  return (tenantId) => {
    const hit = cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.admin;
    const admin = adminFor(tenantId);
    cache.set(tenantId, { admin, until: Date.now() + ttlMs });
    admin.catch(() => cache.delete(tenantId));
    return admin;
  };
}

export function defaultSyncDeps(db: Db, overrides: Partial<SyncDeps> = {}): SyncDeps {
  const maxAttempts = overrides.maxAttempts ?? getEnv().SYNC_MAX_ATTEMPTS;
  return {
    db,
    adminFor: overrides.adminFor ?? cachedAdminFor(adminFromTokens(db)),
    vintraceFor: overrides.vintraceFor ?? vintraceFromSettings(db),
    maxAttempts,
    now: overrides.now ?? (() => new Date()),
    random: overrides.random ?? Math.random,
    postTimeoutSettleMs: overrides.postTimeoutSettleMs ?? 60_000,
    retryScale: overrides.retryScale ?? 1,
  };
}

/** How orders are mapped: the validated settings (one schema for every writer), plus the Products page's ignore rules. */
export type MappingSettings = Pick<
  TenantSettings,
  "customerName" | "salesPriceList" | "storageAreaId" | "taxPolicy" | "discountMode" | "currency" | "shippingPolicy" | "shippingStockCode" | "ignoreStockError"
> &
  Pick<VintraceSettings, "ignoreNoSkuLines" | "ignoreGiftCards" | "ignoredSkus">;

type Mapping = Pick<SkuMapping, "shopifySku" | "vintraceCode" | "multiplier">;

/** The winery's mapping settings in the shape buildSalesOrder takes, with the SKU mappings it needs. */
export function salesOrderSettingsFrom(vintrace: MappingSettings, mappings: Mapping[]): SalesOrderSettings {
  return {
    customerName: vintrace.customerName,
    salesPriceList: vintrace.salesPriceList,
    storageAreaId: vintrace.storageAreaId,
    taxPolicy: vintrace.taxPolicy,
    discountMode: vintrace.discountMode,
    currency: vintrace.currency,
    shippingPolicy: vintrace.shippingPolicy,
    shippingStockCode: vintrace.shippingStockCode,
    ignoreStockError: vintrace.ignoreStockError,
    skuMap: Object.fromEntries(mappings.map((m) => [m.shopifySku, { code: m.vintraceCode, multiplier: m.multiplier }])),
    ignore: { linesWithoutSku: vintrace.ignoreNoSkuLines, giftCards: vintrace.ignoreGiftCards, skus: vintrace.ignoredSkus },
  };
}

export interface OrderContext {
  tenant: Pick<Tenant, "id" | "status" | "shopDomain" | "syncOrdersCreatedAfter">;
  /** null: vintrace is not connected */
  vintrace: (MappingSettings & VintraceConnectionSettings & StoredTaxPolicy & Pick<TenantSettings, "syncTestOrders">) | null;
  /** the mappings of the SKUs asked for */
  mappings: Mapping[];
}

interface ContextRow extends Omit<VintraceSettings, "tenantId" | "lastVerifiedAt" | "lastVerification" | "updatedAt"> {
  id: string;
  status: Tenant["status"];
  shopDomain: string;
  syncOrdersCreatedAfter: Date;
  hasVintrace: boolean;
  mappings: Mapping[];
}

/** The winery, its vintrace settings and the mappings of `skus`, in one query (it runs for every order). */
export async function loadOrderContext(db: Db, tenantId: string, skus: string[]): Promise<OrderContext | null> {
  const [row] = await db.$queryRaw<ContextRow[]>`
    SELECT t.id, t.status::text AS status, t."shopDomain", t."syncOrdersCreatedAfter",
           v."tenantId" IS NOT NULL AS "hasVintrace", v."baseUrl", v."apiKeyEnc", v."authScheme"::text AS "authScheme",
           v."customerName", v."salesPriceList", v."storageAreaId", v."taxPolicy"::text AS "taxPolicy",
           v."discountMode"::text AS "discountMode", v.currency, v."shippingPolicy"::text AS "shippingPolicy",
           v."shippingStockCode", v."ignoreStockError", v."taxPolicySetAt", v."vintraceTaxPolicy"::text AS "vintraceTaxPolicy", v."syncTestOrders", v."ignoreNoSkuLines", v."ignoreGiftCards", v."ignoredSkus",
           COALESCE((
             SELECT json_agg(json_build_object('shopifySku', m."shopifySku", 'vintraceCode', m."vintraceCode", 'multiplier', m.multiplier))
             FROM "SkuMapping" m WHERE m."tenantId" = t.id AND m."shopifySku" = ANY(${skus}::text[])
           ), '[]'::json) AS mappings
    FROM "Tenant" t LEFT JOIN "VintraceSettings" v ON v."tenantId" = t.id
    WHERE t.id = ${tenantId}`;
  if (!row) return null;
  const { id, status, shopDomain, syncOrdersCreatedAfter, hasVintrace, mappings, ...vintrace } = row;
  return { tenant: { id, status, shopDomain, syncOrdersCreatedAfter }, vintrace: hasVintrace ? vintrace : null, mappings };
}

/** The SKUs of an order payload's lines, read loosely (the payload is parsed properly later). */
export function skusOfPayload(payload: unknown): string[] {
  const lines = payload && typeof payload === "object" ? (payload as { line_items?: unknown }).line_items : undefined;
  if (!Array.isArray(lines)) return [];
  const skus = lines.map((line) => (line && typeof line === "object" ? (line as { sku?: unknown }).sku : undefined));
  return [...new Set(skus.filter((sku): sku is string => typeof sku === "string" && sku.trim() !== "").map((sku) => sku.trim()))];
}
