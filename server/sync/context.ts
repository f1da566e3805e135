// What the engine needs to reach one winery's vintrace and Shopify. Both are injected (tests wire the simulators
// directly), with defaults that read the winery's stored settings: the vintrace address and decrypted API key, and
// a ShopifyAdmin from the token module, which refreshes expiring tokens.
import { decryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import type { SkuMapping, VintraceSettings } from "@/server/generated/prisma/client";
import type { ShopifyAdmin } from "@/server/shopify/admin";
import { createVintraceClient, normaliseVintraceUrl, type VintraceClient, type VintraceExchange } from "@/server/vintrace";
import type { SalesOrderSettings } from "./buildSalesOrder";
import { defaultTenantPacer, type TenantPacer } from "./pacer";

export interface VintraceClientRequest {
  /** sees every call, redacted: how attempts are recorded */
  onExchange?: (exchange: VintraceExchange) => void;
  /** the winery's settings when the caller already read them (saves a query) */
  settings?: VintraceSettings;
}

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
      apiKey: decryptSecret(settings.apiKeyEnc),
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
  const maxAttempts = overrides.maxAttempts ?? safeEnv()?.SYNC_MAX_ATTEMPTS ?? 10;
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

function safeEnv() {
  try {
    return getEnv();
  } catch {
    return undefined;
  }
}

/** The winery's mapping settings in the shape buildSalesOrder takes, with the SKU mappings it needs. */
export function salesOrderSettingsFrom(vintrace: VintraceSettings, mappings: Pick<SkuMapping, "shopifySku" | "vintraceCode" | "multiplier">[]): SalesOrderSettings {
  return {
    customerName: vintrace.customerName,
    salesPriceList: vintrace.salesPriceList,
    storageAreaId: vintrace.storageAreaId,
    taxPolicy: vintrace.taxPolicy,
    discountMode: vintrace.discountMode,
    currency: vintrace.currency,
    shippingPolicy: vintrace.shippingPolicy,
    shippingStockCode: vintrace.shippingStockCode,
    skuMap: Object.fromEntries(mappings.map((m) => [m.shopifySku, { code: m.vintraceCode, multiplier: m.multiplier }])),
    ignore: { linesWithoutSku: vintrace.ignoreNoSkuLines, giftCards: vintrace.ignoreGiftCards, skus: vintrace.ignoredSkus },
  };
}
