// The OAuth authorization-code grant as Shopify runs it, auto-approved: /admin/oauth/authorize redirects back with
// code, state, shop, host, timestamp and an hmac that `shopify.auth.callback` accepts (hex HMAC-SHA256, under the app
// secret, of the other parameters sorted and URL-encoded); /admin/oauth/access_token swaps the code for a token, or
// rotates an expiring offline token with the refresh_token grant.
import { createHmac, randomBytes } from "node:crypto";
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, type SimShop } from "@/simulators/shopify/shop-state";

export interface AppCredentials {
  apiKey: string;
  apiSecret: string;
}

interface PendingCode {
  shop: string;
  scope: string;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;

export interface OAuthReply {
  status: number;
  json?: unknown;
  location?: string;
}

/** Encodes like the library's ProcessedQuery: URLSearchParams with spaces as %20. */
export function signedQuery(params: Record<string, string>, secret: string): string {
  const sorted = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const message = sorted.toString().replace(/\+/g, "%20");
  const hmac = createHmac("sha256", secret).update(message).digest("hex");
  return `${message}&hmac=${hmac}`;
}

const tokenError = (status: number, error: string, description: string): OAuthReply => ({ status, json: { error, error_description: description } });

export class SimOAuth {
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly app: AppCredentials) {}

  authorize(shop: SimShop, query: URLSearchParams): OAuthReply {
    if (query.get("client_id") !== this.app.apiKey) return { status: 400, json: { error: "invalid_request", error_description: "Unknown client_id" } };
    const redirectUri = query.get("redirect_uri");
    const state = query.get("state");
    if (!redirectUri || !state) return { status: 400, json: { error: "invalid_request", error_description: "redirect_uri and state are required" } };
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, { shop: shop.domain, scope: query.get("scope") ?? "", expiresAt: Date.now() + CODE_TTL_MS });
    const storeName = shop.domain.replace(/\.myshopify\.com$/, "");
    const params = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${storeName}`).toString("base64url"),
      shop: shop.domain,
      state,
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const target = new URL(redirectUri);
    return { status: 302, location: `${target.origin}${target.pathname}?${signedQuery(params, this.app.apiSecret)}` };
  }

  accessToken(shop: SimShop, body: Record<string, unknown>): OAuthReply {
    if (body.client_id !== this.app.apiKey || body.client_secret !== this.app.apiSecret) {
      return tokenError(401, "invalid_client", "Client authentication failed");
    }
    if (body.grant_type === "refresh_token") return this.refresh(shop, String(body.refresh_token ?? ""));
    const pending = typeof body.code === "string" ? this.codes.get(body.code) : undefined;
    if (!pending || pending.shop !== shop.domain || pending.expiresAt < Date.now()) {
      return tokenError(400, "invalid_grant", "The authorization code is invalid, expired or already used");
    }
    this.codes.delete(body.code as string);
    shop.grantedScope = pending.scope;
    shop.oauthInstalled = true;
    if (body.expiring === "1" || body.expiring === 1 || body.expiring === true) return this.expiringPair(shop, pending.scope);
    return { status: 200, json: { access_token: shop.issueAccessToken(), scope: pending.scope } };
  }

  private refresh(shop: SimShop, refreshToken: string): OAuthReply {
    if (!shop.useRefreshToken(refreshToken)) return tokenError(400, "invalid_grant", "The refresh token is invalid or has been rotated");
    return this.expiringPair(shop, shop.grantedScope, refreshToken);
  }

  private expiringPair(shop: SimShop, scope: string, previousRefreshToken?: string): OAuthReply {
    return {
      status: 200,
      json: {
        access_token: shop.issueAccessToken(ACCESS_TOKEN_TTL_SECONDS),
        scope,
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token: shop.issueRefreshToken(previousRefreshToken),
        refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
      },
    };
  }
}
