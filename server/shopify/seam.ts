// The simulator seam, for the demo and the tests. @shopify/graphql-client forces https and builds the URL from the shop
// domain, so a local simulator cannot be named as a shop. Instead, when SHOPIFY_ADMIN_ORIGIN is set, the library's
// fetch is wrapped to send `https://<shop>/admin/...` to that origin, and the OAuth authorize redirect is pointed there
// too. With no origin set, every request passes through untouched: production takes the same code path, only the fetch
// differs.
import "server-only";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/** How a rewritten server-to-server request tells the simulator which shop it is for. */
export const SIMULATOR_SHOP_HEADER = "X-Shopify-Shop-Domain-Sim";

/** A browser cannot carry a header through a redirect, so redirects name the shop in the path instead. */
const simulatorShopPath = (shop: string) => `/shops/${encodeURIComponent(shop)}`;

function isShopAdminUrl(url: URL): boolean {
  return url.protocol === "https:" && url.hostname.endsWith(".myshopify.com") && url.pathname.startsWith("/admin/");
}

/** The simulator's address for a request to a shop's admin, or null when the URL is not one. */
export function simulatorUrlFor(url: string, origin: string): { url: string; shop: string } | null {
  const parsed = new URL(url);
  if (!isShopAdminUrl(parsed)) return null;
  return { url: `${new URL(origin).origin}${parsed.pathname}${parsed.search}`, shop: parsed.hostname };
}

type FetchArgs = Parameters<typeof fetch>;

/** Rewrites one fetch call for the simulator; returns the arguments unchanged when there is no origin or no match. */
export function rewriteFetchForSimulator(input: FetchArgs[0], init: FetchArgs[1], origin: string | undefined): FetchArgs {
  if (!origin) return [input, init];
  const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const target = simulatorUrlFor(href, origin);
  if (!target) return [input, init];
  if (input instanceof Request) {
    const original = new Request(input, init);
    const headers = new Headers(original.headers);
    headers.set(SIMULATOR_SHOP_HEADER, target.shop);
    const body = original.body === null ? {} : { body: original.body, duplex: "half" };
    return [new Request(target.url, { method: original.method, headers, signal: original.signal, ...body }), undefined];
  }
  const headers = new Headers(init?.headers);
  headers.set(SIMULATOR_SHOP_HEADER, target.shop);
  return [target.url, { ...init, headers }];
}

/** Points the Location of an `auth.begin` redirect at the simulator, keeping the shop in the path. */
export function rewriteAuthorizeRedirect(response: Response, origin: string | undefined): Response {
  const location = response.headers.get("Location");
  if (!origin || !location) return response;
  const target = simulatorUrlFor(location, origin);
  if (!target) return response;
  const rewritten = new URL(target.url);
  rewritten.pathname = `${simulatorShopPath(target.shop)}${rewritten.pathname}`;
  const headers = new Headers(response.headers);
  headers.set("Location", rewritten.href);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

let seamOrigin: string | undefined;
let installed = false;

/**
 * Sends the library's admin traffic to `origin` (or, with undefined, back to Shopify). Call it after the adapter
 * import, which sets the plain fetch. The wrapper, over global fetch, is installed once and reads the origin on
 * every call, so tests can switch simulators; without an origin it is never installed at all.
 */
export function installSimulatorSeam(origin: string | undefined): void {
  seamOrigin = origin;
  if (installed || !origin) return;
  setAbstractFetchFunc((input, init) => globalThis.fetch(...rewriteFetchForSimulator(input, init, seamOrigin)));
  installed = true;
}
