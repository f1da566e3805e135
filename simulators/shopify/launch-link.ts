import { signedQuery } from "@/simulators/shopify/oauth";

// Opening the app from the Shopify admin: Shopify sends the browser to the app's application_url (shopify.app.toml)
// with shop, host and timestamp, signed like an OAuth redirect (hex HMAC-SHA256 under the app secret).
export function launchUrl(appUrl: string, shop: string, apiSecret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const storeName = shop.replace(/\.myshopify\.com$/, "");
  const params = { host: Buffer.from(`admin.shopify.com/store/${storeName}`).toString("base64url"), shop, timestamp: String(timestamp) };
  return `${appUrl.replace(/\/+$/, "")}/?${signedQuery(params, apiSecret)}`;
}

// What anyone who installs the app on a development store collects in the browser: the query string of an install
// or launch link, which Shopify signs with the app secret (hex HMAC-SHA256 over the sorted parameters). The same
// secret signs webhooks (base64 HMAC-SHA256 over the raw body), so the query with its HMAC in base64 is a "signed
// webhook body". Tests replay it to prove that the endpoint never takes it for a delivery.

export interface LaunchLinkForgery {
  /** the signed query string, without its hmac: code=…&host=…&shop=…&state=…&timestamp=… */
  body: string;
  /** its signature as a webhook carries it */
  hmacBase64: string;
}

/** Goes through the simulator's grant for `attackerShop`, as the attacker's browser would, and keeps the signed link. */
export async function collectLaunchLink(simulatorUrl: string, attackerShop: string, apiKey: string): Promise<LaunchLinkForgery> {
  const authorize = new URL(`${simulatorUrl}/shops/${attackerShop}/admin/oauth/authorize`);
  authorize.search = new URLSearchParams({ client_id: apiKey, scope: "read_orders", redirect_uri: "https://attacker.example/callback", state: "any" }).toString();
  const response = await fetch(authorize, { redirect: "manual" });
  const location = response.headers.get("Location");
  if (response.status !== 302 || !location) throw new Error(`the simulator did not redirect with a signed link (HTTP ${response.status})`);
  const query = new URL(location).search.slice(1);
  const match = /^(.*)&hmac=([0-9a-f]{64})$/.exec(query);
  if (!match) throw new Error("the signed link does not end with a hex hmac");
  return { body: match[1], hmacBase64: Buffer.from(match[2], "hex").toString("base64") };
}
