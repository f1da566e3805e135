// What went wrong, in the words support staff and wineries use, derived from the error class the sync engine
// recorded (and, for "unreachable", whether it was Shopify or vintrace that did not answer). The Overview groups
// failures by these causes across wineries, and the sync log filters by them (cause-sql.ts is the same rule in SQL).
// No server imports (only the plain constant that marks a refusal for want of product lines): the pages use these
// names and labels too.
import { isNoProductLines } from "@/lib/no-product-lines";

export const SYNC_STATUSES = ["PENDING", "HELD", "SYNCED", "FAILED", "SKIPPED"] as const;
export type SyncStatusName = (typeof SYNC_STATUSES)[number];

export const CAUSES = ["VINTRACE_UNREACHABLE", "SHOPIFY_UNREACHABLE", "RATE_LIMITED", "AUTH", "CONFIG", "VALIDATION", "NO_PRODUCT_LINES", "NOT_FOUND"] as const;
export type Cause = (typeof CAUSES)[number];

export interface CauseInfo {
  label: string;
  /** what it means, and what to do */
  explanation: string;
  /** where it is fixed; null when waiting (or a retry) is the fix */
  fix: "settings" | "products" | null;
  /** the part of that page where it is fixed, as an element id */
  fixSection?: "ignore-rules";
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
  AUTH: {
    label: "vintrace refused the API key",
    explanation: "The API key in Settings is wrong, expired or lacks permission. Enter a new key in Settings; saving retries these orders.",
    fix: "settings",
    fixRetries: true,
    retryable: false,
  },
  CONFIG: {
    label: "Settings do not match vintrace",
    explanation: "A setting (customer, storage area, currency, shipping code) is not what vintrace has. Fix it in Settings; saving retries these orders.",
    fix: "settings",
    fixRetries: true,
    retryable: false,
  },
  VALIDATION: {
    label: "Products vintrace does not know",
    explanation: "A line's SKU is not a vintrace stock code, or vintrace refused the order's contents. Map or ignore the SKU on the Products page; that retries these orders.",
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
  NOT_FOUND: {
    label: "vintrace address not found",
    explanation: "vintrace answered 404: the customer code in the vintrace address is probably wrong. Check it in Settings.",
    fix: "settings",
    fixRetries: false,
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

export function causeOf(errorClass: string | null, message: string | null): Cause | null {
  if (!errorClass) return null;
  if (errorClass === "TRANSIENT") return /shopify/i.test(message ?? "") ? "SHOPIFY_UNREACHABLE" : "VINTRACE_UNREACHABLE";
  if (isNoProductLines(errorClass, message)) return "NO_PRODUCT_LINES";
  return (CAUSES as readonly string[]).includes(errorClass) ? (errorClass as Cause) : null;
}

/** Where a fix pointer leads in the dashboard, down to the section of the page when the cause names one. */
export function fixHref(fix: string | null, tenantId: string, cause: Cause | null = null): string | null {
  const section = cause && CAUSE_INFO[cause].fix === fix && CAUSE_INFO[cause].fixSection ? `#${CAUSE_INFO[cause].fixSection}` : "";
  if (fix === "settings") return `/settings?winery=${encodeURIComponent(tenantId)}${section}`;
  if (fix === "products") return `/products?winery=${encodeURIComponent(tenantId)}${section}`;
  return null;
}
