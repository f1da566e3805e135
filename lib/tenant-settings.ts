// A winery's settings, validated once for everyone who changes them: the dashboard's Settings page (in the browser
// and in its tRPC procedures), the operator CLI and the winery set-up service all parse with these schemas, so the
// same bad value gets the same message wherever it is typed. The engine's settings types derive from them too.
// Browser-safe: it imports zod and Prisma's generated enums (plain constants) only.
import { z } from "zod";
import { DiscountMode, ShippingPolicy, TaxPolicy, VintraceAuthScheme } from "@/server/generated/prisma/enums";

/** "must be INCLUSIVE or EXCLUSIVE": the choices of one of Prisma's enums, as a message. */
const choiceOf = <E extends Record<string, string>>(values: E) => {
  const all = Object.values(values);
  return z.enum(values, { error: `must be ${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}` });
};

const text = (max: number) => z.string({ error: "must be text" }).trim().max(max, `must be at most ${max} characters`);

export const API_KEY_REQUIRED = "Enter the vintrace API key.";

/**
 * Every setting with its type and bounds, none required: what "Test connection" takes (a draft may be half
 * filled in). `tenantSettingsSchema` adds what a save needs.
 */
const draftShape = {
  baseUrl: text(300),
  /** blank keeps the stored key */
  apiKey: z.string({ error: "must be text" }).trim().max(500, "is too long").optional(),
  authScheme: choiceOf(VintraceAuthScheme),
  customerName: text(200),
  salesPriceList: text(200),
  /** null: vintrace's default storage area */
  storageAreaId: z.number({ error: "must be a number" }).int("must be a whole number").positive("must be a positive number").nullable(),
  taxPolicy: choiceOf(TaxPolicy),
  discountMode: choiceOf(DiscountMode),
  currency: z
    .string({ error: "must be text" })
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a three-letter currency code, like AUD")
    .transform((c) => c.toUpperCase()),
  shippingPolicy: choiceOf(ShippingPolicy),
  shippingStockCode: text(100).nullable(),
  syncTestOrders: z.boolean({ error: "must be true or false" }),
  /** send orders even when vintrace shows too little stock (vintrace's ignoreStockError); off unless turned on */
  ignoreStockError: z.boolean({ error: "must be true or false" }).default(false),
};

/** The settings a save takes: the connection and the price list are required, and a shipping line needs its code. */
export const tenantSettingsFields = z.object({
  ...draftShape,
  baseUrl: draftShape.baseUrl.min(1, "Enter your vintrace address."),
  customerName: draftShape.customerName.min(1, "Enter the vintrace customer web orders are recorded against."),
  salesPriceList: draftShape.salesPriceList.min(1, "Enter the sales price list."),
});

export const tenantSettingsSchema = tenantSettingsFields.superRefine((value, ctx) => {
  if (value.shippingPolicy === "STOCK_CODE" && !value.shippingStockCode) {
    ctx.addIssue({ code: "custom", path: ["shippingStockCode"], message: "Enter the vintrace stock code shipping is sent as." });
  }
});

/** What a form or the CLI sends (currency in any case, the key optional). */
export type TenantSettingsInput = z.input<typeof tenantSettingsSchema>;
/** The settings once validated: what is stored, and what the engine reads. */
export type TenantSettings = z.output<typeof tenantSettingsSchema>;
export type TenantSettingsField = keyof TenantSettings;

/** The settings a save changes, in the order they are reported (the key apart: it is write-only). */
export const EDITABLE_SETTINGS = Object.keys(tenantSettingsFields.shape).filter((f) => f !== "apiKey") as Exclude<TenantSettingsField, "apiKey">[];

/** The settings "Test connection" checks, each optional (the saved value is used for what is left out). */
export const connectionTestSchema = z
  .object(draftShape)
  .pick({ baseUrl: true, apiKey: true, authScheme: true, customerName: true, salesPriceList: true, storageAreaId: true })
  .partial();
export type ConnectionTestInput = z.infer<typeof connectionTestSchema>;

/** A winery's settings before anything is saved (the database's defaults). */
export const DEFAULT_SETTINGS: Omit<TenantSettings, "apiKey"> = {
  baseUrl: "",
  authScheme: VintraceAuthScheme.BEARER,
  customerName: "",
  salesPriceList: "",
  storageAreaId: null,
  taxPolicy: TaxPolicy.INCLUSIVE,
  discountMode: DiscountMode.ADJUSTMENT,
  currency: "AUD",
  shippingPolicy: ShippingPolicy.OMIT,
  shippingStockCode: null,
  syncTestOrders: false,
  ignoreStockError: false,
};

/** A typed storage area id as the schema takes it: blank is vintrace's default (null); a non-number stays NaN, so the schema names it. */
export const storageAreaFromText = (typed: string): number | null => (typed.trim() === "" ? null : Number(typed.trim()));

/**
 * "Sync orders created after": a calendar date, YYYY-MM-DD, taken as midnight UTC. Orders created before it are
 * never sent, so onboarding does not push a shop's history into vintrace.
 */
export const syncStartSchema = z
  .string({ error: "must be a date like 2024-07-01" })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2024-07-01")
  .transform((day, ctx) => {
    const date = new Date(`${day}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
      ctx.addIssue({ code: "custom", message: `${day} is not a calendar date` });
      return z.NEVER;
    }
    return date;
  });
