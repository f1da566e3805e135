// What went wrong, in the words support staff and wineries use, derived from the error class the sync engine
// recorded (and, for "unreachable", whether it was Shopify or vintrace that did not answer). The Overview groups
// failures by these causes across wineries, and the sync log filters by them (causeSql.ts is the same rule in SQL).
// No server imports: the pages use these names and labels too.

export const SYNC_STATUSES = ["PENDING", "HELD", "SYNCED", "FAILED", "SKIPPED"] as const;
export type SyncStatusName = (typeof SYNC_STATUSES)[number];

export const CAUSES = ["VINTRACE_UNREACHABLE", "SHOPIFY_UNREACHABLE", "RATE_LIMITED", "AUTH", "CONFIG", "VALIDATION", "NOT_FOUND"] as const;
export type Cause = (typeof CAUSES)[number];

export interface CauseInfo {
  label: string;
  /** what it means, and what to do */
  explanation: string;
  /** where it is fixed; null when waiting (or a retry) is the fix */
  fix: "settings" | "products" | null;
  /** retrying without changing anything can help */
  retryable: boolean;
}

export const CAUSE_INFO: Record<Cause, CauseInfo> = {
  VINTRACE_UNREACHABLE: {
    label: "vintrace unreachable",
    explanation: "vintrace did not answer, or answered with a server error, until the retries ran out. Retry once it is back.",
    fix: null,
    retryable: true,
  },
  SHOPIFY_UNREACHABLE: {
    label: "Shopify unreachable",
    explanation: "Shopify did not answer when the order was read or checked. Retry once it is back.",
    fix: null,
    retryable: true,
  },
  RATE_LIMITED: {
    label: "vintrace rate limit",
    explanation: "vintrace asked us to slow down until the retries ran out. Retry when the winery's traffic is lower.",
    fix: null,
    retryable: true,
  },
  AUTH: {
    label: "vintrace refused the API key",
    explanation: "The API key in Settings is wrong, expired or lacks permission. Enter a new key in Settings; saving retries these orders.",
    fix: "settings",
    retryable: false,
  },
  CONFIG: {
    label: "Settings do not match vintrace",
    explanation: "A setting (customer, storage area, currency, shipping code) is not what vintrace has. Fix it in Settings; saving retries these orders.",
    fix: "settings",
    retryable: false,
  },
  VALIDATION: {
    label: "Products vintrace does not know",
    explanation: "A line's SKU is not a vintrace stock code, or vintrace refused the order's contents. Map or ignore the SKU on the Products page; that retries these orders.",
    fix: "products",
    retryable: false,
  },
  NOT_FOUND: {
    label: "vintrace address not found",
    explanation: "vintrace answered 404: the customer code in the vintrace address is probably wrong. Check it in Settings.",
    fix: "settings",
    retryable: false,
  },
};

export function causeOf(errorClass: string | null, message: string | null): Cause | null {
  if (!errorClass) return null;
  if (errorClass === "TRANSIENT") return /shopify/i.test(message ?? "") ? "SHOPIFY_UNREACHABLE" : "VINTRACE_UNREACHABLE";
  return (CAUSES as readonly string[]).includes(errorClass) ? (errorClass as Cause) : null;
}

/** Where a fix pointer leads in the dashboard. */
export function fixHref(fix: string | null, tenantId: string): string | null {
  if (fix === "settings") return `/settings?winery=${encodeURIComponent(tenantId)}`;
  if (fix === "products") return `/products?winery=${encodeURIComponent(tenantId)}`;
  return null;
}
