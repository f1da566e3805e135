// The wizard's "How orders are sent" step: the start date, test orders, tax policy and discount mode, each offered
// with a default and where that default came from (what vintrace reported, what Shopify's recent orders say, or
// the winery's saved value), then saved through the Settings page's own service and schema.
import "server-only";
import { EDITABLE_SETTINGS, type TenantSettings } from "@/lib/tenant-settings";
import type { Db } from "@/server/db";
import type { DiscountMode, TaxPolicy } from "@/server/generated/prisma/client";
import { Refused } from "@/server/lib/refused";
import { logger } from "@/server/observability/log";
import { applySettings, saveSyncStart, settingsView, type SettingsView } from "@/server/settings/service";
import type { AdminFor } from "@/server/sync/context";
import type { Actor } from "@/server/tenants/pause";
import { recentOrders } from "./shop-orders";
import { completeStep } from "./steps";

export interface Suggested<T> {
  value: T;
  /** where the value came from, in a sentence for the owner */
  source: string;
}

export interface SendingDefaults {
  /** YYYY-MM-DD: orders created before it are never sent */
  startDate: Suggested<string>;
  syncTestOrders: Suggested<boolean>;
  taxPolicy: Suggested<TaxPolicy>;
  discountMode: Suggested<DiscountMode>;
}

export interface SendingChoices {
  startDate: Date;
  syncTestOrders: boolean;
  taxPolicy: TaxPolicy;
  discountMode: DiscountMode;
}

/** Recent orders whose prices are read for the tax default: enough to see the shop's habit, few enough to be quick. */
const TAX_SAMPLE = 3;

const day = (date: Date) => date.toISOString().slice(0, 10);

async function connectedView(db: Db, tenantId: string): Promise<SettingsView> {
  const view = await settingsView(db, tenantId);
  if (!view) throw new Refused("NOT_FOUND", "No such winery.");
  if (!view.configured) throw new Refused("BAD_REQUEST", "Connect vintrace first: the first step saves its address, API key and customer.");
  return view;
}

/** Whether the shop's recent orders had prices including tax (Shopify's taxes_included), or null when it has none. */
async function shopifyPricesIncludeTax(adminFor: AdminFor, tenantId: string): Promise<boolean | null> {
  try {
    const orders = await recentOrders(await adminFor(tenantId), TAX_SAMPLE);
    if (orders.length === 0) return null;
    return orders.filter((o) => o.taxesIncluded).length * 2 >= orders.length;
  } catch (error) {
    // A default only: without Shopify's word, the saved value is offered.
    logger().warn({ tenantId, err: error }, "setup: could not read recent orders for the tax default");
    return null;
  }
}

function taxPolicyDefault(view: SettingsView, shopifyInclusive: boolean | null): Suggested<TaxPolicy> {
  if (view.taxPolicySetAt) return { value: view.taxPolicy, source: "As saved in Settings." };
  if (view.taxPolicyMismatch) return { value: view.taxPolicyMismatch.vintrace, source: "As vintrace reported for your price list." };
  if (shopifyInclusive !== null) {
    return {
      value: shopifyInclusive ? "INCLUSIVE" : "EXCLUSIVE",
      source: `Your recent Shopify orders had prices ${shopifyInclusive ? "including" : "excluding"} tax; check that your vintrace price list does too.`,
    };
  }
  return { value: view.taxPolicy, source: "The default: neither vintrace nor your Shopify orders have said yet." };
}

export async function sendingDefaults(db: Db, adminFor: AdminFor, tenantId: string): Promise<SendingDefaults> {
  const view = await connectedView(db, tenantId);
  const needShopify = !view.taxPolicySetAt && !view.taxPolicyMismatch;
  const shopifyInclusive = needShopify ? await shopifyPricesIncludeTax(adminFor, tenantId) : null;
  const { createdAt } = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { createdAt: true } });
  const startDate = day(view.syncOrdersCreatedAfter);
  return {
    startDate: {
      value: startDate,
      source:
        startDate === day(createdAt)
          ? "The day the app was installed: the orders held since then can be sent when you go live; older orders never are."
          : "As saved in Settings: orders created before it are never sent.",
    },
    syncTestOrders: { value: view.syncTestOrders, source: view.syncTestOrders ? "As saved in Settings." : "The default: Shopify test orders are not sent." },
    taxPolicy: taxPolicyDefault(view, shopifyInclusive),
    discountMode: {
      value: view.discountMode,
      source: view.discountMode === "PERCENT" ? "As saved in Settings." : "The default: a dollar adjustment. Choose a percentage when Xero is on in vintrace.",
    },
  };
}

/** The stored settings as the settings schema takes them, the key left as it is. */
const storedSettings = (view: SettingsView): TenantSettings => ({
  ...(Object.fromEntries(EDITABLE_SETTINGS.map((field) => [field, view[field]])) as Omit<TenantSettings, "apiKey">),
  apiKey: undefined,
});

/** Saves the step's choices as Settings saves them (audited the same way), then completes the step. */
export async function saveSending(db: Db, tenantId: string, choices: SendingChoices, actor: Actor, allowlist: string[]) {
  const view = await connectedView(db, tenantId);
  const { startDate, ...settings } = choices;
  const saved = await applySettings(db, tenantId, { ...storedSettings(view), ...settings }, { ...actor, mayChangeConnection: false }, allowlist);
  if (!saved.ok) throw new Refused("BAD_REQUEST", "The saved vintrace settings are not valid any more: fix them in the first step.");
  await saveSyncStart(db, tenantId, startDate, actor);
  return { next: await completeStep(db, tenantId, "SENDING", actor) };
}
