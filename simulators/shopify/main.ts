// `npm run sim:shopify`: the Shopify simulator on PORT (default 4020) for the demo. Each demo shop accepts a fixed
// token (demoAccessToken) so the demo can connect it without going through OAuth.
import { demoTenants } from "@/simulators/catalog";
import { demoAccessToken, startShopifySimulator } from "@/simulators/shopify/server";

const apiKey = process.env.SHOPIFY_API_KEY;
const apiSecret = process.env.SHOPIFY_API_SECRET;
if (!apiKey || !apiSecret) {
  console.error("sim:shopify needs SHOPIFY_API_KEY and SHOPIFY_API_SECRET: the app's credentials, which sign OAuth and webhooks");
  process.exit(2);
}

const shops = demoTenants.map((w) => w.shopDomain);
const simulator = await startShopifySimulator({
  port: Number(process.env.PORT ?? 4020),
  host: process.env.HOST ?? "127.0.0.1",
  appUrl: process.env.APP_URL ?? "http://localhost:3000",
  apiKey,
  apiSecret,
  shops,
  tokens: Object.fromEntries(shops.map((shop) => [shop, demoAccessToken(shop)])),
});

console.log(`Shopify simulator listening on ${simulator.url} (set SHOPIFY_ADMIN_ORIGIN=${simulator.url} in the app)`);
for (const shop of shops) console.log(`  ${shop}  token ${demoAccessToken(shop)}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
