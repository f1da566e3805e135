// app/uninstalled: Shopify has revoked our tokens, so forget them and mark the winery uninstalled. Orders, settings
// and history stay: shop/redact follows 48 hours later, and a reinstall before then picks everything up again.
// The topic can arrive more than once and late (shopify-notes §5), so the handler is idempotent, and a delivery
// triggered before the current installation is ignored.
import { acknowledged, recordDelivery, isoOrNull, type VerifiedDelivery } from "@/server/shopify/webhooks/delivery";

export async function handleAppUninstalled(delivery: VerifiedDelivery): Promise<Response> {
  const { tenant, db, now } = delivery;
  if (!tenant) return acknowledged();

  const triggeredAt = isoOrNull(delivery.headers.triggeredAt);
  if (triggeredAt && tenant.installedAt && new Date(triggeredAt) < tenant.installedAt) {
    await recordDelivery(db, delivery, "stale: installed again since");
    return acknowledged();
  }

  await db.$transaction(async (tx) => {
    await recordDelivery(tx, delivery, "uninstalled");
    await tx.shopifyConnection.updateMany({
      where: { tenantId: tenant.id },
      data: { accessTokenEnc: null, accessTokenExpiresAt: null, refreshTokenEnc: null, refreshTokenExpiresAt: null },
    });
    await tx.shopifyConnection.updateMany({ where: { tenantId: tenant.id, revokedAt: null }, data: { revokedAt: now } });
    const changed = await tx.tenant.updateMany({ where: { id: tenant.id, status: { not: "UNINSTALLED" } }, data: { status: "UNINSTALLED" } });
    if (changed.count > 0) {
      await tx.auditEvent.create({
        data: { tenantId: tenant.id, action: "shopify.uninstalled", details: { shopDomain: delivery.shopDomain, webhookId: delivery.headers.webhookId ?? null } },
      });
    }
  });
  return acknowledged();
}
