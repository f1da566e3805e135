// Installing the app on a shop through OAuth: GET /api/shopify/install?shop=… sends the merchant to Shopify's grant
// screen; /api/shopify/callback receives the expiring offline token pair, stores it encrypted, creates the winery (or
// brings an uninstalled one back), records Shopify's id for the shop and lands on the app. Its webhooks come from the
// app-wide subscriptions in shopify.app.toml; the subscription check only removes shop-specific duplicates of them.
//
// A shop we do not know becomes a winery in setup: its orders are stored and held until an owner starts sending them
// (server/tenants/go-live.ts). Its owner is invited by mail at the address Shopify has for the shop, never one from
// the request, and the page the merchant lands on says where the link went.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import { recordAudit } from "@/server/audit/record";
import { createInvitation, SHOPIFY_INSTALL } from "@/server/auth/invitations";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { Prisma, type TenantStatus } from "@/server/generated/prisma/client";
import type { Mailer } from "@/server/mail/mailer";
import { escapeHtml } from "@/server/mail/render";
import { logger } from "@/server/observability/log";
import { createShopifyAdmin } from "@/server/shopify/admin";
import { getShopify } from "@/server/shopify/api";
import { learnShopId, ONE_TRY } from "@/server/shopify/shop-id";
import { ensureWebhookSubscriptions, type SubscriptionCheck } from "@/server/shopify/subscriptions";
import { OWNER_INVITATION_FAILED } from "@/server/shopify/webhooks/notices";
import { everWentLive } from "@/server/tenants/go-live";

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
  /** default: the app's mailer */
  mailer?: Mailer;
}

/**
 * The owner's invitation, sent on a first install (and on a reinstall during setup before any owner signed in): where
 * it went (masked), or that support was told it could not go.
 */
export type OwnerInvitation = { sent: true; maskedEmail: string } | { sent: false };

export interface InstallResult {
  tenantId: string;
  reinstalled: boolean;
  status: TenantStatus;
  subscriptions: SubscriptionCheck;
  /** a first install, or a reinstall during setup that invited the owner again */
  invitation?: OwnerInvitation;
}

type InstallSession = { shop: string; accessToken?: string; expires?: Date; refreshToken?: string; refreshTokenExpires?: Date; scope?: string };

/**
 * The status a winery has once installed: a new one waits in setup; a paused one stays paused (pausing is the
 * merchant's choice, uninstalling is not a state to keep); an uninstalled one comes back live if it ever went live,
 * and otherwise to setup, so a reinstall never lets orders out before an owner has connected vintrace.
 */
async function statusAfterInstall(tx: Prisma.TransactionClient, existing: { id: string; status: TenantStatus } | null): Promise<TenantStatus> {
  if (!existing) return "SETUP";
  if (existing.status !== "UNINSTALLED") return existing.status;
  return (await everWentLive(tx, existing.id)) ? "ACTIVE" : "SETUP";
}

/** Stores the offline session and makes sure the tenant exists and is installed. */
async function saveOnce(db: Db, session: InstallSession, accessToken: string, now: Date) {
  return db.$transaction(async (tx) => {
    const existing = await tx.tenant.findUnique({ where: { shopDomain: session.shop }, select: { id: true, status: true } });
    const status = await statusAfterInstall(tx, existing);
    // A new winery starts at the setup wizard's first step.
    const tenant =
      existing ??
      (await tx.tenant.create({ data: { name: session.shop, shopDomain: session.shop, status, setupStep: "CONNECT", setupStepSince: now }, select: { id: true, status: true } }));
    if (existing && existing.status !== status) await tx.tenant.update({ where: { id: tenant.id }, data: { status } });
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
      // Shopify deletes an app's metafield definitions when the app is uninstalled, so a reinstalled shop needs the
      // vintrace code's definition again: the next write creates it (or finds it, which is as good).
      metafieldDefinitionAt: null,
    };
    await tx.shopifyConnection.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id, ...fields }, update: fields });
    const reinstalled = existing !== null;
    await recordAudit(tx, {
      action: reinstalled ? "shopify.reinstalled" : "shopify.installed",
      tenantId: tenant.id,
      // A first install's "SETUP" is how a later reinstall knows whether the winery ever went live.
      details: { shopDomain: session.shop, scopes: fields.scopes, status },
    });
    return { tenantId: tenant.id, reinstalled, status, wasUninstalled: existing?.status === "UNINSTALLED" };
  });
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

async function saveInstallation(db: Db, session: InstallSession, now: Date) {
  if (!session.accessToken) throw new Error("Shopify returned no access token");
  try {
    return await saveOnce(db, session, session.accessToken, now);
  } catch (error) {
    // Two callbacks for a new shop raced (a double click, a retried redirect) and the other one created the winery:
    // the shop is unique, so this one reconnects that winery instead of failing.
    if (!isUniqueViolation(error)) throw error;
    return saveOnce(db, session, session.accessToken, now);
  }
}

/** "owner@example.com" → "o•••@example.com": enough for the merchant to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${email[0]}•••${email.slice(at)}`;
}

/** Invites the shop's owner, at the address Shopify has for the shop; a failure is audited for support, never thrown. */
async function inviteOwner(deps: CallbackDeps, shopify: Shopify, appUrl: string, tenantId: string, credentials: { shop: string; accessToken: string }): Promise<OwnerInvitation> {
  try {
    const email = (await createShopifyAdmin(credentials, { shopify, retry: ONE_TRY }).shopEmail()).trim().toLowerCase();
    await createInvitation(deps.db, { email, tenantId, role: "MERCHANT", membershipRole: "OWNER", invitedBy: SHOPIFY_INSTALL }, { mailer: deps.mailer, appUrl });
    return { sent: true, maskedEmail: maskEmail(email) };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
    logger().error({ tenantId, shop: credentials.shop, reason }, "the owner of a new install could not be invited");
    await recordAudit(deps.db, { action: OWNER_INVITATION_FAILED, tenantId, details: { shopDomain: credentials.shop, reason } });
    return { sent: false };
  }
}

/**
 * A winery reinstalled (after an uninstall) while still in setup, whose owner never signed in: the first link may
 * have expired meanwhile, and nobody else can finish the setup, so the owner is invited again. A second callback of
 * the same install is no reinstall: its winery was never uninstalled.
 */
async function ownerStillToBeInvited(db: Db, saved: { tenantId: string; status: TenantStatus; wasUninstalled: boolean }): Promise<boolean> {
  if (!saved.wasUninstalled || saved.status !== "SETUP") return false;
  return (await db.membership.count({ where: { tenantId: saved.tenantId, role: "OWNER" } })) === 0;
}

/** The page a first install lands on: the app is installed, and where the sign-in link went. */
function installedPage(shop: string, invitation: OwnerInvitation, headers: Headers): Response {
  const next = invitation.sent
    ? `We sent a sign-in link to ${invitation.maskedEmail}, the shop owner's address in Shopify. Open it to choose your password: the setup then walks you through connecting vintrace and sending your first orders.`
    : "We could not send the sign-in link to the shop's owner. Winehub support has been told and will invite you.";
  headers.set("Content-Type", "text/html; charset=utf-8");
  const body = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><title>vintrace-sync is installed</title></head><body>',
    `<h1>vintrace-sync is installed on ${escapeHtml(shop)}</h1>`,
    `<p data-testid="owner-invitation">${escapeHtml(next)}</p>`,
    "<p>Orders from Shopify are stored and held until setup is finished: nothing is sent to vintrace before that.</p>",
    "</body></html>",
  ].join("\n");
  return new Response(body, { status: 200, headers });
}

/**
 * Completes the OAuth grant, with the library's cookies: a reconnected shop is redirected to the app; a new one (or
 * one still in setup whose owner never signed in) gets a page saying where its owner's sign-in link went.
 */
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
  const { wasUninstalled, ...saved } = await saveInstallation(deps.db, callback.session, now);
  const credentials = { shop: callback.session.shop, accessToken: callback.session.accessToken ?? "" };
  await learnShopId(deps.db, saved.tenantId, credentials, { shopify });
  const subscriptions = await ensureWebhookSubscriptions(deps.db, saved.tenantId, { shopify, appUrl, now: () => now });

  const headers = new Headers();
  for (const cookie of (callback.headers as Headers).getSetCookie()) headers.append("Set-Cookie", cookie);
  if (saved.reinstalled && !(await ownerStillToBeInvited(deps.db, { ...saved, wasUninstalled }))) {
    headers.set("Location", new URL("/", appUrl).href);
    return { response: new Response(null, { status: 302, headers }), result: { ...saved, subscriptions } };
  }
  const invitation = await inviteOwner(deps, shopify, appUrl, saved.tenantId, credentials);
  return { response: installedPage(callback.session.shop, invitation, headers), result: { ...saved, subscriptions, invitation } };
}
