// Every action the audit log records, named once. Writers can only record a name from this list (the type checker
// refuses any other), and the Audit log page builds its action filter from it, so a new action shows up there too.
// This module has no imports: the page's client bundle reads it.

export const AUDIT_ACTIONS = [
  "alerts.silence_threshold",
  "alerts.webhook_added",
  "alerts.webhook_removed",
  "compliance.customer_data_exported",
  "compliance.customer_data_request",
  "compliance.customer_redact",
  "compliance.shop_redact",
  "compliance.shop_redact_skipped",
  "invitation.accepted",
  "invitation.revoked",
  "invitation.sent",
  "orders.change_handled",
  "orders.fix_retry",
  "orders.retry",
  "password.changed",
  "password.reset",
  "password.reset_requested",
  "products.checked",
  "products.ignore_rules_saved",
  "products.mapping_deleted",
  "products.mapping_saved",
  "secrets.reencrypted",
  "sessions.signed_out_everywhere",
  "settings.changed",
  "settings.created",
  "settings.tax_policy_from_vintrace",
  "settings.tax_policy_switched",
  "shopify.installed",
  "shopify.manual_connection",
  "shopify.metafield_definition_created",
  "shopify.owner_invitation_failed",
  "shopify.reinstalled",
  "shopify.shop_id_conflict",
  "shopify.uninstall_unconfirmed",
  "shopify.uninstalled",
  "shopify.webhook_subscriptions",
  "setup.step_completed",
  "setup.step_reopened",
  "tenant.created",
  "tenant.paused",
  "tenant.resumed",
  "tenant.went_live",
  "user.created",
  "user.removed",
  "webhook.forgery_suspected",
  "webhook.secret_unreadable",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The part of an action before its dot ("settings" of "settings.changed"): the filter offers each area as a whole. */
export type AuditArea = AuditAction extends `${infer Area}.${string}` ? Area : never;

// A Record over every area, so an action in a new area cannot be added without a label for the filter.
const AREA_LABELS: Record<AuditArea, string> = {
  alerts: "Alerts (chat webhooks, silence threshold)",
  compliance: "Shopify privacy requests",
  invitation: "Invitations",
  orders: "Retries and changes handled in vintrace",
  password: "Passwords",
  products: "Products (checks, SKU map, ignore rules)",
  secrets: "Secrets re-encrypted",
  sessions: "Sessions",
  settings: "Settings changes",
  setup: "Setup wizard steps",
  shopify: "Shopify connections",
  tenant: "Wineries (added, paused, resumed, went live)",
  user: "Users added or removed",
  webhook: "Refused webhook deliveries",
};

export const auditArea = (action: AuditAction) => action.slice(0, action.indexOf(".")) as AuditArea;

export interface AuditFilterGroup {
  label: string;
  /** the whole area, as the filter's prefix form ("settings.") */
  area: string;
  actions: AuditAction[];
}

/** The Audit log page's action filter: each area as a whole, then its actions one by one. */
export function auditFilterGroups(): AuditFilterGroup[] {
  const groups = new Map<AuditArea, AuditFilterGroup>();
  for (const action of AUDIT_ACTIONS) {
    const area = auditArea(action);
    const group = groups.get(area) ?? { label: AREA_LABELS[area], area: `${area}.`, actions: [] };
    group.actions.push(action);
    groups.set(area, group);
  }
  return [...groups.values()];
}
