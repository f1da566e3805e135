// Forged lifecycle deliveries against the running app: a launch link's signed query replayed as a webhook, and a
// genuine body of one winery's shop sent under another's name. Neither may uninstall or erase the winery: afterwards
// it still takes an order from Shopify all the way into vintrace and tags it.
import { createShopifyOrder, query, tagsOf, waitForSync } from "@/e2e/dashboard/helpers";
import { expect, stackInfo, test } from "@/e2e/fixtures";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { collectLaunchLink } from "@/simulators/shopify/launch-link";
import { lifecyclePayload } from "@/simulators/shopify/lifecycle";
import { SimShop } from "@/simulators/shopify/shop-state";
import { signedWebhookRequest, WEBHOOK_PATH } from "@/simulators/shopify/webhook";

const appSecret = () => process.env.SHOPIFY_API_SECRET ?? "";
const apiKey = () => process.env.SHOPIFY_API_KEY ?? "";

test("forged app/uninstalled and shop/redact leave the winery installed and syncing", async ({ request, tenant, newTenant }) => {
  const { appUrl, shopifyUrl } = stackInfo();
  const victim = tenant.shopDomain;
  const tenantId = tenant.id;
  const bystander = await newTenant({ name: "River Bend Wines" });
  const post = (signed: { headers: Record<string, string>; body: string }) => request.post(`${appUrl}${WEBHOOK_PATH}`, { headers: signed.headers, data: Buffer.from(signed.body) });

  // What the attacker's own development store hands out: a launch link signed with the app secret.
  const forgery = await collectLaunchLink(shopifyUrl, "attacker-dev-store.myshopify.com", apiKey());
  for (const topic of ["app/uninstalled", "shop/redact"]) {
    const signed = signedWebhookRequest({ shop: victim, topic, payload: forgery.body, secret: appSecret() });
    const response = await post({ body: signed.body, headers: { ...signed.headers, "X-Shopify-Hmac-Sha256": forgery.hmacBase64 } });
    expect(response.status(), `${topic} from a launch link`).toBe(400);
  }

  // A genuine, correctly signed body about another winery's shop, sent under the victim's name.
  for (const topic of ["app/uninstalled", "shop/redact"] as const) {
    const signed = signedWebhookRequest({ shop: victim, topic, payload: lifecyclePayload(new SimShop(bystander.shopDomain), topic), secret: appSecret() });
    expect((await post(signed)).status(), `${topic} about another shop`).toBe(401);
  }

  const [row] = await query<{ status: string; holdsToken: boolean; revokedAt: Date | null }>(
    `SELECT t.status::text AS status, c."accessTokenEnc" IS NOT NULL AS "holdsToken", c."revokedAt" FROM "Tenant" t JOIN "ShopifyConnection" c ON c."tenantId" = t.id WHERE t.id = $1`,
    [tenantId],
  );
  expect(row).toEqual({ status: "ACTIVE", holdsToken: true, revokedAt: null });
  const [audit] = await query<{ count: number }>(`SELECT count(*)::int AS count FROM "AuditEvent" WHERE "tenantId" = $1 AND action = 'webhook.forgery_suspected'`, [tenantId]);
  expect(audit.count).toBeGreaterThanOrEqual(4);

  const order = await createShopifyOrder({ shop: victim, deliver: true });
  expect(await waitForSync(victim, order.gid, (row) => row.status === "SYNCED" && row.tagState === "CREATED")).toMatchObject({ status: "SYNCED" });
  expect(await tagsOf(victim, order.gid)).toContain(SYNC_TAGS.created);
});
