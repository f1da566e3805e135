// The headers every response carries: pages, API routes, static files and error pages alike (proxy.ts sets them,
// and the webhook route, which skips the proxy, sets them itself: server/http/unproxied-route.ts). They depend on the
// runtime APP_URL (HSTS only over https) and on a fresh nonce per request, so they cannot be fixed in next.config at
// build time.
import { getEnv } from "@/server/env";

export interface SecurityHeaderOptions {
  /** The app's public address; Strict-Transport-Security is sent only when it is https. */
  appUrl: string;
  /** Fresh for every request: Next.js reads it from the request's policy and puts it on the scripts it renders. */
  nonce: string;
  /** `next dev` needs eval for React's debugging aids; a production build never does. */
  development: boolean;
}

export const CSP_HEADER = "Content-Security-Policy";
const HSTS_MAX_AGE_S = 2 * 365 * 24 * 60 * 60;

/**
 * Scripts run only from this origin and only when they carry the request's nonce (or were loaded by one that did),
 * so injected markup cannot run script. The app is never framed, never posts forms elsewhere and loads no plugins.
 * Styles may be inline: React writes `style` attributes, and a style cannot run script.
 */
function contentSecurityPolicy(nonce: string, development: boolean, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const https = new URL(options.appUrl).protocol === "https:";
  return {
    [CSP_HEADER]: contentSecurityPolicy(options.nonce, options.development, https),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    ...(https ? { "Strict-Transport-Security": `max-age=${HSTS_MAX_AGE_S}; includeSubDomains` } : {}),
  };
}

/** This request's headers, with a nonce of its own. */
export function requestSecurityHeaders(): Record<string, string> {
  const env = getEnv();
  return securityHeaders({ appUrl: env.APP_URL, nonce: newCspNonce(), development: env.NODE_ENV === "development" });
}

/** 128 random bits, base64: unguessable, and valid inside `'nonce-…'`. */
export function newCspNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
