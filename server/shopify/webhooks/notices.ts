// Audit actions about Shopify deliveries and installs that the support team should look at. They are written where the
// delivery or install is handled, and the support digest lists those of its window, in these words.
import "server-only";
import type { AuditAction } from "@/lib/audit-actions";

export const FORGERY_SUSPECTED = "webhook.forgery_suspected" satisfies AuditAction;
export const UNINSTALL_UNCONFIRMED = "shopify.uninstall_unconfirmed" satisfies AuditAction;
export const SHOP_REDACT_SKIPPED = "compliance.shop_redact_skipped" satisfies AuditAction;
export const WEBHOOK_SECRET_UNREADABLE = "webhook.secret_unreadable" satisfies AuditAction;
export const OWNER_INVITATION_FAILED = "shopify.owner_invitation_failed" satisfies AuditAction;

export const WEBHOOK_NOTICES: Record<string, string> = {
  [FORGERY_SUSPECTED]: "a webhook delivery that may be forged was refused or not acted on",
  [UNINSTALL_UNCONFIRMED]: "app/uninstalled was ignored because Shopify still accepts the app's token",
  [SHOP_REDACT_SKIPPED]: "shop/redact arrived but the shop was not erased",
  [WEBHOOK_SECRET_UNREADABLE]: "deliveries were refused because the shop's own webhook secret cannot be decrypted (enter it again)",
  [OWNER_INVITATION_FAILED]: "the app was installed but its owner could not be invited by mail (invite them from Wineries)",
};
