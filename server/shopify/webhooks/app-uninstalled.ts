// app/uninstalled: forget the shop's tokens and mark the winery uninstalled. Orders, settings and history stay:
// shop/redact follows 48 hours later, and a reinstall before then picks everything up again. The topic can arrive
// more than once and late, so the handler is idempotent, and a delivery triggered before the current installation
// is ignored. Shopify is asked first: while it still accepts our token the app is installed, whatever the delivery
// says, and nothing changes.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import { storeShopId } from "@/server/shopify/shop-id";
import { askShopifyIfInstalled } from "@/server/shopify/webhooks/confirm";
import { acknowledged, isoOrNull, recordDelivery, recordSuspectedForgery, textResponse, type VerifiedDelivery } from "@/server/shopify/webhooks/delivery";
import { UNINSTALL_UNCONFIRMED } from "@/server/shopify/webhooks/notices";
import type { AppUninstalledBody } from "@/server/shopify/webhooks/shop-binding";

export async function handleAppUninstalled(delivery: VerifiedDelivery, body: AppUninstalledBody): Promise<Response> {
  const { tenant, db, now } = delivery;
  if (!tenant) return acknowledged();

  const triggeredAt = isoOrNull(delivery.headers.triggeredAt);
  if (triggeredAt && tenant.installedAt && new Date(triggeredAt) < tenant.installedAt) {
    await recordDelivery(db, delivery, "stale: installed again since");
    return acknowledged();
  }

  const check = await askShopifyIfInstalled(db, tenant.id, delivery.shopify);
  // Shopify tries a delivery again when it is not answered with 2xx: by then Shopify may answer us.
  if (check.kind === "unreachable") return textResponse(503, "Shopify could not be asked whether the app is still installed; nothing was changed");
  if (check.kind === "installed") {
    if (check.shopId && check.shopId !== body.id) {
      await recordSuspectedForgery(db, now, {
        tenantId: tenant.id,
        topic: delivery.topic,
        reason: `The body names shop id ${body.id}; Shopify says ${tenant.shopDomain} has id ${check.shopId}`,
        headerShop: delivery.headers.shopDomain ?? null,
        bodyShop: body.myshopify_domain,
        bodyShopId: body.id,
        webhookId: delivery.headers.webhookId ?? null,
      });
      return textResponse(401, "The body is not about this shop");
    }
    if (check.shopId && !tenant.shopifyShopId) await storeShopId(db, tenant.id, check.shopId);
    await ignoreUninstall(delivery, tenant.id, check.detail);
    return acknowledged();
  }

  // The uninstall took effect when Shopify says it was triggered (a delivery can come hours late), never later than now.
  const uninstalledAt = triggeredAt && new Date(triggeredAt) < now ? new Date(triggeredAt) : now;
  await db.$transaction(async (tx) => {
    await recordDelivery(tx, delivery, "uninstalled");
    await tx.shopifyConnection.updateMany({
      where: { tenantId: tenant.id },
      data: { accessTokenEnc: null, accessTokenExpiresAt: null, refreshTokenEnc: null, refreshTokenExpiresAt: null },
    });
    await tx.shopifyConnection.updateMany({ where: { tenantId: tenant.id, revokedAt: null }, data: { revokedAt: uninstalledAt } });
    const changed = await tx.tenant.updateMany({ where: { id: tenant.id, status: { not: "UNINSTALLED" } }, data: { status: "UNINSTALLED" } });
    if (changed.count > 0) {
      await recordAudit(tx, {
        action: "shopify.uninstalled",
        tenantId: tenant.id,
        details: { shopDomain: delivery.shopDomain, webhookId: delivery.headers.webhookId ?? null },
      });
    }
  });
  return acknowledged();
}

/** Shopify still accepts our token: the delivery is answered 200 (so it is not retried) and support is told. */
async function ignoreUninstall(delivery: VerifiedDelivery, tenantId: string, detail: string): Promise<void> {
  await delivery.db.$transaction(async (tx) => {
    if (!(await recordDelivery(tx, delivery, "ignored: Shopify still accepts the token"))) return;
    await recordAudit(tx, {
      action: UNINSTALL_UNCONFIRMED,
      tenantId,
      details: { shopDomain: delivery.shopDomain, webhookId: delivery.headers.webhookId ?? null, reason: `app/uninstalled was not acted on: ${detail}` },
      at: delivery.now,
    });
  });
}
