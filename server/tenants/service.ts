import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import { hashPassword } from "@/server/auth/password";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { InputError, parseOrThrow } from "@/server/lib/errors";
import { normaliseVintraceUrl } from "@/server/vintrace";
import { API_KEY_REQUIRED, tenantSettingsFields } from "@/lib/tenant-settings";

// Creating wineries and users, shared by the CLI, the demo seed and the dashboard. Every input is validated here,
// so each caller gets the same clear errors and nothing half-written.

export const shopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop domain like my-winery.myshopify.com");

/** A new winery's vintrace connection: the settings schema's connection fields, with the key required. */
export const vintraceSettingsInputSchema = tenantSettingsFields
  .pick({ baseUrl: true, customerName: true, salesPriceList: true })
  .extend({
    apiKey: tenantSettingsFields.shape.apiKey.unwrap().min(1, API_KEY_REQUIRED),
    authScheme: tenantSettingsFields.shape.authScheme.default("BEARER"),
    storageAreaId: tenantSettingsFields.shape.storageAreaId.optional(),
  });
export type VintraceSettingsInput = z.input<typeof vintraceSettingsInputSchema>;

export const newTenantSchema = z.object({
  name: z.string().trim().min(1, "is required").max(120),
  shopDomain: shopDomainSchema,
  shopifyToken: z.string().trim().min(1).optional(),
  webhookSecret: z.string().trim().min(1).optional(),
  vintrace: vintraceSettingsInputSchema.optional(),
});
export type NewTenant = z.input<typeof newTenantSchema>;

/** The one refusal for a shop no winery has, wherever a shop is looked up. */
export const noTenantWithShop = (shop: string) => `no winery has the shop ${shop}`;

/** A winery's id chosen before its row is written, so the secrets written with the row can be bound to it. */
export const newTenantId = () => randomUUID();

/** The stored shape of vintrace settings: the URL normalised and checked, the key encrypted for this winery. */
export function vintraceSettingsData(input: VintraceSettingsInput, allowlist: string[], tenantId: string) {
  const parsed = parseOrThrow(vintraceSettingsInputSchema, input);
  const url = normaliseVintraceUrl(parsed.baseUrl, allowlist);
  if (!url.ok) throw new InputError({ baseUrl: url.message });
  return {
    baseUrl: url.url,
    apiKeyEnc: encryptSecret(parsed.apiKey, { tenantId, column: "VintraceSettings.apiKeyEnc" }),
    authScheme: parsed.authScheme,
    customerName: parsed.customerName,
    salesPriceList: parsed.salesPriceList,
    storageAreaId: parsed.storageAreaId ?? null,
  };
}

export async function createTenant(db: Db, input: NewTenant, allowlist: string[], actor: string) {
  const data = parseOrThrow(newTenantSchema, input);
  if (await db.tenant.findUnique({ where: { shopDomain: data.shopDomain } })) {
    throw new InputError({ shop: `${data.shopDomain} is already a winery here` });
  }
  const tenantId = newTenantId();
  const vintrace = data.vintrace ? vintraceSettingsData(data.vintrace, allowlist, tenantId) : undefined;
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({
      data: {
        id: tenantId,
        name: data.name,
        shopDomain: data.shopDomain,
        shopify: data.shopifyToken
          ? {
              create: {
                method: "MANUAL",
                accessTokenEnc: encryptSecret(data.shopifyToken, { tenantId, column: "ShopifyConnection.accessTokenEnc" }),
                webhookSecretEnc: data.webhookSecret ? encryptSecret(data.webhookSecret, { tenantId, column: "ShopifyConnection.webhookSecretEnc" }) : null,
                scopes: "read_orders,write_orders,read_products",
              },
            }
          : undefined,
        vintrace: vintrace ? { create: vintrace } : undefined,
      },
    });
    await recordAudit(tx, {
      action: "tenant.created",
      actor: { email: actor },
      tenantId: tenant.id,
      details: { name: data.name, shop: data.shopDomain },
    });
    return tenant;
  });
}

export const newUserSchema = z
  .object({
    email: z.email("must be an email address").trim().toLowerCase(),
    password: z.string().min(10, "must be at least 10 characters").max(200),
    role: z.enum(["SUPPORT", "MERCHANT"]),
    shopDomain: shopDomainSchema.optional(),
    membershipRole: z.enum(["OWNER", "STAFF"]).default("OWNER"),
  })
  .refine((u) => u.role === "SUPPORT" || u.shopDomain, { message: "a winery user needs --shop", path: ["shop"] });
export type NewUser = z.input<typeof newUserSchema>;

export async function createUser(db: Db, input: NewUser, actor: string) {
  const data = parseOrThrow(newUserSchema, input);
  if (await db.user.findUnique({ where: { email: data.email } })) throw new InputError({ email: `${data.email} already has an account` });
  const tenant = data.shopDomain ? await db.tenant.findUnique({ where: { shopDomain: data.shopDomain } }) : null;
  if (data.shopDomain && !tenant) throw new InputError({ shop: noTenantWithShop(data.shopDomain) });
  const passwordHash = await hashPassword(data.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        email: data.email,
        passwordHash,
        role: data.role,
        memberships: tenant && data.role === "MERCHANT" ? { create: { tenantId: tenant.id, role: data.membershipRole } } : undefined,
      },
    });
    await recordAudit(tx, { action: "user.created", actor: { email: actor }, tenantId: tenant?.id, details: { email: data.email, role: data.role } });
    return user;
  });
}
