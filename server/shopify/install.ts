// Installing the app on a shop through OAuth: GET /api/shopify/install?shop=… sends the merchant to Shopify's grant
// screen; /api/shopify/callback receives the expiring offline token pair, stores it encrypted, creates the winery (or
// brings an uninstalled one back), records Shopify's id for the shop and lands on the app. Its webhooks come from the
// app-wide subscriptions in shopify.app.toml; the subscription check only removes shop-specific duplicates of them.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { getShopify } from "@/server/shopify/api";
import { learnShopId } from "@/server/shopify/shop-id";
import { ensureWebhookSubscriptions, type SubscriptionCheck } from "@/server/shopify/subscriptions";

export const INSTALL_CALLBACK_PATH = "/api/shopify/callback";

/** A plain-text page: what the merchant's browser shows when an install or launch link cannot be followed. */
export const plainResponse = (status: number, message: string) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const plain = plainResponse;

export interface InstallDeps {
  shopify?: Shopify;
}

export async function beginInstall(request: Request, deps: InstallDeps = {}): Promise<Response> {
  const shopify = deps.shopify ?? getShopify();
  const given = new URL(request.url).searchParams.get("shop")?.trim() ?? "";
  let shop: string | null = null;
  try {
    shop = given ? shopify.utils.sanitizeShop(given, true) : null;
  } catch {
    shop = null;
  }
  if (!shop) {
    return plain(400, `"${given.slice(0, 100)}" is not a Shopify shop address. Use the shop's myshopify.com address, e.g. /api/shopify/install?shop=your-store.myshopify.com`);
  }
  const response: Response = await shopify.auth.begin({ shop, callbackPath: INSTALL_CALLBACK_PATH, isOnline: false, rawRequest: request });
  return response;
}

export interface CallbackDeps extends InstallDeps {
  db: Db;
  /** default: APP_URL */
  appUrl?: string;
  now?: () => Date;
}

export interface InstallResult {
  tenantId: string;
  reinstalled: boolean;
  subscriptions: SubscriptionCheck;
}

/** Stores the offline session and makes sure the tenant exists and is active. */
async function saveInstallation(db: Db, session: { shop: string; accessToken?: string; expires?: Date; refreshToken?: string; refreshTokenExpires?: Date; scope?: string }, now: Date) {
  if (!session.accessToken) throw new Error("Shopify returned no access token");
  const accessToken = session.accessToken;
  return db.$transaction(async (tx) => {
    const existing = await tx.tenant.findUnique({ where: { shopDomain: session.shop }, select: { id: true, status: true } });
    const tenant =
      existing ?? (await tx.tenant.create({ data: { name: session.shop, shopDomain: session.shop, status: "ACTIVE" }, select: { id: true, status: true } }));
    // A paused winery stays paused: pausing is the merchant's choice, uninstalling is not a state to keep.
    if (existing?.status === "UNINSTALLED") await tx.tenant.update({ where: { id: tenant.id }, data: { status: "ACTIVE" } });
    const fields = {
      method: "OAUTH" as const,
      accessTokenEnc: encryptSecret(accessToken, { tenantId: tenant.id, column: "ShopifyConnection.accessTokenEnc" }),
      accessTokenExpiresAt: session.expires ?? null,
      refreshTokenEnc: session.refreshToken ? encryptSecret(session.refreshToken, { tenantId: tenant.id, column: "ShopifyConnection.refreshTokenEnc" }) : null,
      refreshTokenExpiresAt: session.refreshTokenExpires ?? null,
      // OAuth deliveries are signed with the app secret, not a custom app's.
      webhookSecretEnc: null,
      scopes: session.scope ?? "",
      installedAt: now,
      revokedAt: null,
    };
    await tx.shopifyConnection.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id, ...fields }, update: fields });
    const reinstalled = existing !== null;
    await recordAudit(tx, {
      action: reinstalled ? "shopify.reinstalled" : "shopify.installed",
      tenantId: tenant.id,
      details: { shopDomain: session.shop, scopes: fields.scopes },
    });
    return { tenantId: tenant.id, reinstalled };
  });
}

/** Completes the OAuth grant; the Response redirects to the app with the library's cookies. */
export async function completeInstall(request: Request, deps: CallbackDeps): Promise<{ response: Response; result?: InstallResult }> {
  const shopify = deps.shopify ?? getShopify();
  const appUrl = deps.appUrl ?? getEnv().APP_URL;
  let callback;
  try {
    callback = await shopify.auth.callback({ rawRequest: request, expiring: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { response: plain(400, `The Shopify install could not be completed (${reason}). Start again from the Shopify admin.`) };
  }
  const now = deps.now?.() ?? new Date();
  const saved = await saveInstallation(deps.db, callback.session, now);
  await learnShopId(deps.db, saved.tenantId, { shop: callback.session.shop, accessToken: callback.session.accessToken ?? "" }, { shopify });
  const subscriptions = await ensureWebhookSubscriptions(deps.db, saved.tenantId, { shopify, appUrl, now: () => now });

  const headers = new Headers({ Location: new URL("/", appUrl).href });
  for (const cookie of (callback.headers as Headers).getSetCookie()) headers.append("Set-Cookie", cookie);
  return { response: new Response(null, { status: 302, headers }), result: { ...saved, subscriptions } };
}
