// Flags the commands share: the winery's shop, switches, and the winery's settings. A settings flag parses its text
// into the value the Settings page sends and then through the same settings schema, so a bad value gets the
// page's message, printed after the flag's name ("--price-list: Enter the sales price list.").
import "server-only";
import { z } from "zod";
import { storageAreaFromText, syncStartSchema, tenantSettingsFields, type TenantSettingsInput } from "@/lib/tenant-settings";
import type { Db } from "@/server/db";
import { InputError } from "@/server/lib/errors";
import { noTenantWithShop, shopDomainSchema } from "@/server/tenants/service";
import type { Flag } from "./types";

export const valueFlag = <S extends z.ZodType>(arg: string, help: string, schema: S): Flag<S> => ({ arg, help, schema });
/** A switch: on when given ("true"); "false" is taken too, as the older spelling `--dry-run false` was. */
export const switchFlag = (help: string) => ({ help, schema: z.enum(["true", "false"]).optional().transform((v) => v === "true") }) satisfies Flag;

export const shopFlag = valueFlag("S", "the winery's shop domain, e.g. my-winery.myshopify.com", shopDomainSchema);
export const startDateFlag = valueFlag("YYYY-MM-DD", 'sync orders created after this day (UTC); older orders are never sent', syncStartSchema.optional());

/** The winery with the shop, or the one refusal every command gives for a shop no winery has. */
export async function tenantByShop(db: Db, shop: string) {
  const tenant = await db.tenant.findUnique({ where: { shopDomain: shop } });
  if (!tenant) throw new InputError({ shop: noTenantWithShop(shop) });
  return tenant;
}

type SettingsField = keyof TenantSettingsInput;
const choices = (field: "authScheme" | "taxPolicy" | "discountMode" | "shippingPolicy") => tenantSettingsFields.shape[field].options.join("|");
/** Enum values are typed in any case, with - for _ ("stock-code"). */
const choice = (typed: string) => typed.trim().toUpperCase().replaceAll("-", "_");

interface SettingsFlag {
  field: SettingsField;
  arg: string;
  help: string;
  /** the typed text as the Settings page would send it (the schema then refuses what is wrong) */
  read?: (typed: string) => unknown;
}

/** Every setting the CLI takes, by flag. */
export const SETTINGS_FLAGS = {
  "vintrace-url": { field: "baseUrl", arg: "URL", help: "the vintrace address, e.g. https://oz50.vintrace.net/yourcode" },
  "vintrace-key": { field: "apiKey", arg: "KEY", help: "the vintrace API key (stored encrypted)" },
  "auth-scheme": { field: "authScheme", arg: choices("authScheme"), help: "how the key is sent to vintrace", read: choice },
  customer: { field: "customerName", arg: "NAME", help: "the vintrace customer web orders are recorded against" },
  "price-list": { field: "salesPriceList", arg: "NAME", help: "the vintrace sales price list" },
  "storage-area": { field: "storageAreaId", arg: "ID", help: 'the vintrace storage area id ("" for vintrace\'s default)', read: storageAreaFromText },
  "tax-policy": { field: "taxPolicy", arg: choices("taxPolicy"), help: "whether the price list's prices include tax", read: choice },
  "discount-mode": { field: "discountMode", arg: choices("discountMode"), help: "discounts as a dollar adjustment or a percentage", read: choice },
  currency: { field: "currency", arg: "CODE", help: "the shop's currency, e.g. AUD; orders in another are refused" },
  shipping: { field: "shippingPolicy", arg: choices("shippingPolicy"), help: "leave shipping out, or send it as a line", read: choice },
  "shipping-code": { field: "shippingStockCode", arg: "CODE", help: 'the stock code shipping is sent as ("" for none)', read: (t) => t.trim() || null },
  "test-orders": { field: "syncTestOrders", arg: "true|false", help: "whether Shopify test orders are sent", read: (t) => (t.trim() === "true" ? true : t.trim() === "false" ? false : t) },
} satisfies Record<string, SettingsFlag>;
export type SettingsFlagName = keyof typeof SETTINGS_FLAGS;

/** The flag for one setting: its text read as the page sends it, then checked by the settings schema. */
export function settingsFlag(name: SettingsFlagName): Flag {
  const spec: SettingsFlag = SETTINGS_FLAGS[name];
  const read = spec.read ?? ((t: string) => t);
  return valueFlag(spec.arg, spec.help, z.string().transform(read).pipe(tenantSettingsFields.shape[spec.field]).optional());
}

/** The settings given as flags, by field (flags not given are left out). */
export function settingsFromFlags(options: Record<string, unknown>): Partial<TenantSettingsInput> {
  const given: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(SETTINGS_FLAGS)) if (options[flag] !== undefined) given[spec.field] = options[flag];
  return given as Partial<TenantSettingsInput>;
}

const OTHER_FIELDS: Record<string, string> = { shopDomain: "shop", shopifyToken: "shopify-token", webhookSecret: "webhook-secret", syncOrdersCreatedAfter: "start-date" };

/** The flag a service's field error is about ("salesPriceList" and "vintrace.salesPriceList": "price-list"). */
export function flagOfField(field: string): string {
  const name = field.replace(/^vintrace\./, "");
  const setting = Object.entries(SETTINGS_FLAGS).find(([, spec]) => spec.field === name);
  return setting?.[0] ?? OTHER_FIELDS[name] ?? name;
}
