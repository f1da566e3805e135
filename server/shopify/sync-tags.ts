// The tags this app writes on Shopify orders. Reconciliation looks for orders carrying neither.
import "server-only";
export const SYNC_TAGS = {
  created: "vintrace-order-created",
  error: "vintrace-order-error",
} as const;
