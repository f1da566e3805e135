// What went wrong, in the words support staff and wineries use. The sync engine records the diagnosed cause of each
// permanent failure (OrderSync.lastErrorCause: what our own lookups found vintrace refused over); a record without
// one (a failure written before causes were recorded, or a retry still under way) takes its cause from the error
// class it recorded (and, for "unreachable", whether it was Shopify or vintrace that did not answer). The Overview
// groups failures by these causes across wineries, the sync log filters by them (cause-sql.ts is the same rule in
// SQL), the order page links each to the field or page that fixes it, and fix-retry.ts re-queues each once that
// field is saved. No server imports (only the plain constant that marks a refusal for want of product lines): the
// pages use these names and labels too.
import { isNoProductLines } from "@/lib/no-product-lines";

export const SYNC_STATUSES = ["PENDING", "HELD", "SYNCED", "FAILED", "SKIPPED"] as const;
export type SyncStatusName = (typeof SYNC_STATUSES)[number];

export const CAUSES = [
  "VINTRACE_UNREACHABLE",
  "SHOPIFY_UNREACHABLE",
  "RATE_LIMITED",
  "UNKNOWN_STOCK_CODE",
  "CUSTOMER_NOT_FOUND",
  "PRICE_LIST_NOT_FOUND",
  "STORAGE_AREA_REFUSED",
  "NOT_ENOUGH_STOCK",
  "NOT_FOUND",
  "AUTH",
  "UNRECOGNISED",
  "CONFIG",
  "VALIDATION",
  "NO_PRODUCT_LINES",
] as const;
export type Cause = (typeof CAUSES)[number];

/** The causes the engine diagnoses and records (the others follow from the error class alone). */
export const DIAGNOSED_CAUSES = [
  "UNKNOWN_STOCK_CODE",
  "CUSTOMER_NOT_FOUND",
  "PRICE_LIST_NOT_FOUND",
  "STORAGE_AREA_REFUSED",
  "NOT_ENOUGH_STOCK",
  "UNRECOGNISED",
] as const satisfies readonly Cause[];

/** A Settings field a fix link can point at: each is the element id of that field on the Settings page. */
export type SettingsFieldId = "baseUrl" | "apiKey" | "customerName" | "salesPriceList" | "storageAreaId" | "ignoreStockError";

export interface CauseInfo {
  label: string;
  /** what it means, and what to do */
  explanation: string;
  /** where it is fixed: a page of the winery's, the order's own page (to tell support), or null when waiting is the fix */
  fix: "settings" | "products" | "order" | null;
  /** the part of that page where it is fixed, as an element id */
  fixSection?: SettingsFieldId | "ignore-rules";
  /** saving the fix queues these orders again by itself */
  fixRetries: boolean;
  /** retrying without changing anything can help */
  retryable: boolean;
}

export const CAUSE_INFO: Record<Cause, CauseInfo> = {
  VINTRACE_UNREACHABLE: {
    label: "vintrace unreachable",
    explanation: "vintrace did not answer, or answered with a server error, until the retries ran out. Retry once it is back.",
    fix: null,
    fixRetries: false,
    retryable: true,
  },
  SHOPIFY_UNREACHABLE: {
    label: "Shopify unreachable",
    explanation: "Shopify did not answer when the order was read or checked. Retry once it is back.",
    fix: null,
    fixRetries: false,
    retryable: true,
  },
  RATE_LIMITED: {
    label: "vintrace rate limit",
    explanation: "vintrace asked us to slow down until the retries ran out. Retry when the winery's traffic is lower.",
    fix: null,
    fixRetries: false,
    retryable: true,
  },
  UNKNOWN_STOCK_CODE: {
    label: "Unknown stock code",
    explanation:
      "vintrace has no stock item with the code a line was sent as. Map the SKU to a vintrace stock code or ignore it on the Products page, or add the item in vintrace and run the product check; any of these retries these orders.",
    fix: "products",
    fixRetries: true,
    retryable: false,
  },
  CUSTOMER_NOT_FOUND: {
    label: "Customer not found",
    explanation: "vintrace has no customer spelt exactly as the customer name in Settings. Correct it in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "customerName",
    fixRetries: true,
    retryable: false,
  },
  PRICE_LIST_NOT_FOUND: {
    label: "Sales price list not found",
    explanation: "vintrace has no sales price list named as the one in Settings. Correct it in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "salesPriceList",
    fixRetries: true,
    retryable: false,
  },
  STORAGE_AREA_REFUSED: {
    label: "Storage area refused",
    explanation: "The storage area in Settings does not exist in vintrace or holds none of the order's items. Choose the right one in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "storageAreaId",
    fixRetries: true,
    retryable: false,
  },
  NOT_ENOUGH_STOCK: {
    label: "Not enough stock",
    explanation:
      "vintrace shows too little stock for a line. Restock in vintrace and retry, or turn on \"Send orders even when vintrace shows too little stock\" in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "ignoreStockError",
    fixRetries: true,
    retryable: false,
  },
  NOT_FOUND: {
    label: "vintrace address wrong",
    explanation: "vintrace answered 404: the customer code at the end of the vintrace address in Settings is probably wrong. Correct it in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "baseUrl",
    fixRetries: true,
    retryable: false,
  },
  AUTH: {
    label: "vintrace refused the API key",
    explanation: "vintrace refused the API key in Settings: wrong, expired or without permission. Enter a new key in Settings; saving it retries these orders.",
    fix: "settings",
    fixSection: "apiKey",
    fixRetries: true,
    retryable: false,
  },
  UNRECOGNISED: {
    label: "vintrace's words not recognised",
    explanation:
      "vintrace refused the order for a reason our checks did not find (its words are on the order's page). Tell support: once they have found the cause, they retry these orders.",
    fix: "order",
    fixRetries: false,
    retryable: true,
  },
  CONFIG: {
    label: "Settings do not match vintrace",
    explanation: "A setting (currency, shipping code, the connection) is not what vintrace has. Fix it in Settings; saving retries these orders.",
    fix: "settings",
    fixRetries: true,
    retryable: false,
  },
  VALIDATION: {
    label: "Order contents refused",
    explanation: "The order could not be turned into a sales order (a product or the order itself). Fix the products on the Products page; that retries these orders.",
    fix: "products",
    fixRetries: true,
    retryable: false,
  },
  NO_PRODUCT_LINES: {
    label: "No product lines to send",
    explanation:
      "The ignore rules leave out every product line (no SKU, gift cards, ignored SKUs), so the order was not sent: a sales order of shipping alone is never made. If a line belongs in vintrace, change the ignore rules on the Products page; saving them retries these orders.",
    fix: "products",
    fixSection: "ignore-rules",
    fixRetries: true,
    retryable: false,
  },
};

/** Why a group of failures of a cause that a retry alone does not help with is not retried, and what to do instead. */
export function groupRetryRefusal(cause: Cause): string {
  const info = CAUSE_INFO[cause];
  const refusal = `Retrying does not help with "${info.label}": fix the cause first`;
  return info.fixRetries
    ? `${refusal} (saving the fix retries these orders).`
    : `${refusal}. ${info.explanation} Saving the fix does not retry these orders: once it is fixed, retry them on the Retry page.`;
}

const isCause = (value: string | null | undefined): value is Cause => value != null && (CAUSES as readonly string[]).includes(value);

/** A sync record's cause: the one diagnosed when the order failed for good, else what its error class says. */
export function causeOf(errorClass: string | null, message: string | null, recorded: string | null = null): Cause | null {
  if (!errorClass) return null;
  if (errorClass === "TRANSIENT") return /shopify/i.test(message ?? "") ? "SHOPIFY_UNREACHABLE" : "VINTRACE_UNREACHABLE";
  if (errorClass === "RATE_LIMITED") return "RATE_LIMITED";
  if (recorded && (DIAGNOSED_CAUSES as readonly string[]).includes(recorded)) return recorded as Cause;
  if (isNoProductLines(errorClass, message)) return "NO_PRODUCT_LINES";
  return isCause(errorClass) ? errorClass : null;
}

/** What a fix link needs besides the cause: the SKU to filter Products by, the order's own page. */
export interface FixTarget {
  tenantId: string;
  /** a SKU (or vintrace code) the failure named */
  sku?: string | null;
  /** the sync record, for causes fixed by telling support from the order's page */
  orderSyncId?: string | null;
}

/** Where a cause is fixed in the dashboard, down to the field (or the SKU) that fixes it; null when waiting is the fix. */
export function fixHref(cause: Cause | null, target: FixTarget): string | null {
  if (!cause) return null;
  const info = CAUSE_INFO[cause];
  const winery = `winery=${encodeURIComponent(target.tenantId)}`;
  const section = info.fixSection ? `#${info.fixSection}` : "";
  if (info.fix === "settings") return `/settings?${winery}${section}`;
  if (info.fix === "products") {
    const sku = cause === "UNKNOWN_STOCK_CODE" && target.sku ? `&sku=${encodeURIComponent(target.sku)}` : "";
    return `/products?${winery}${sku}${section}`;
  }
  if (info.fix === "order" && target.orderSyncId) return `/orders/${encodeURIComponent(target.orderSyncId)}?${winery}#vintrace-words`;
  return null;
}
