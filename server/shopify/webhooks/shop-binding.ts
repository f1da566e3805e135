// Lifecycle and compliance bodies, parsed, and bound to the shop they are about. A valid signature only proves that
// the body was signed with our secret, and Shopify signs other things with it too: the install and launch links
// every merchant sees in the browser. So a body is acted on only when it is its topic's JSON payload and names, by
// domain and by id, the shop the delivery is for.
import "server-only";
import { z } from "zod";
import type { WebhookTenant } from "@/server/shopify/webhooks/delivery";

/** Shopify's ids arrive as JSON numbers; kept as the decimal text we store. */
const shopId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform((v) => String(v));
const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a myshopify.com domain");
/** Customer and order ids are only looked up, never trusted to name a shop. */
const anyId = z.union([z.number(), z.string()]).transform((v) => String(v));
const customer = z.looseObject({ id: anyId.nullish(), email: z.string().nullish(), phone: z.string().nullish() });
const namedShop = { shop_id: shopId, shop_domain: shopDomain };

/** app/uninstalled carries the Shop resource. */
export const appUninstalledBody = z.looseObject({
  id: shopId,
  myshopify_domain: shopDomain,
  domain: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
});
export const shopRedactBody = z.looseObject(namedShop);
export const customersRedactBody = z.looseObject({ ...namedShop, customer, orders_to_redact: z.array(anyId).nullish() });
export const customersDataRequestBody = z.looseObject({
  ...namedShop,
  customer,
  orders_requested: z.array(anyId).nullish(),
  data_request: z.looseObject({ id: anyId.nullish() }).nullish(),
});

export type AppUninstalledBody = z.output<typeof appUninstalledBody>;
export type ShopRedactBody = z.output<typeof shopRedactBody>;
export type CustomersRedactBody = z.output<typeof customersRedactBody>;
export type CustomersDataRequestBody = z.output<typeof customersDataRequestBody>;
export type Customer = z.output<typeof customer>;

/** The shop a body names. */
export interface BodyShop {
  domain: string;
  id: string;
}

/** The body as the schema reads it, or null when it is not JSON or not that payload. */
export function parseJsonBody<T>(schema: z.ZodType<T>, rawBody: string): T | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return null;
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : null;
}

/**
 * Why the body cannot be about the delivery's shop, or null when it is: its domain must be the one in the header
 * (when there is one), and its id the one we hold for the shop (once we know it).
 */
export function bindingProblem(body: BodyShop, headerShop: string | undefined, tenant: WebhookTenant | null): string | null {
  if (headerShop && body.domain !== headerShop) return `The body is about ${body.domain}, the delivery names ${headerShop}`;
  const known = tenant?.shopifyShopId;
  if (known && body.id !== known) return `The body names shop id ${body.id}; ${tenant.shopDomain} has id ${known}`;
  return null;
}
