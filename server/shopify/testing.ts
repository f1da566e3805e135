// For tests of the webhook path, tokens and install: tenants with unique shop domains (every test file shares one
// database per run), and signed deliveries as real Request objects.
import { randomBytes } from "node:crypto";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { newTenantId } from "@/server/tenants/service";
import { TEST_APP } from "@/simulators/shopify/testing";
import { signedWebhookRequest, WEBHOOK_PATH, type WebhookRequestInput } from "@/simulators/shopify/webhook";

export const uniqueShop = (label: string) => `${label}-${randomBytes(4).toString("hex")}.myshopify.com`;

export interface TestTenantInput {
  shop: string;
  status?: "ACTIVE" | "PAUSED" | "UNINSTALLED";
  accessToken?: string;
  webhookSecret?: string;
}

export async function createTestTenant(db: Db, input: TestTenantInput) {
  const tenantId = newTenantId();
  return db.tenant.create({
    data: {
      id: tenantId,
      name: input.shop,
      shopDomain: input.shop,
      status: input.status ?? "ACTIVE",
      shopify: {
        create: {
          method: input.webhookSecret ? "MANUAL" : "OAUTH",
          accessTokenEnc: encryptSecret(input.accessToken ?? "shpat_test", { tenantId, column: "ShopifyConnection.accessTokenEnc" }),
          webhookSecretEnc: input.webhookSecret ? encryptSecret(input.webhookSecret, { tenantId, column: "ShopifyConnection.webhookSecretEnc" }) : null,
        },
      },
    },
  });
}

export type DeliveryInput = Omit<WebhookRequestInput, "secret"> & { secret?: string };

/** A signed delivery as a Request for the handler, plus its raw parts for tampering. */
export function webhookRequest(input: DeliveryInput, tamper: { headers?: Record<string, string | null>; body?: string } = {}) {
  const signed = signedWebhookRequest({ secret: TEST_APP.apiSecret, ...input });
  const headers = new Headers(signed.headers);
  for (const [name, value] of Object.entries(tamper.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const request = new Request(`${TEST_APP.appUrl}${WEBHOOK_PATH}`, { method: "POST", headers, body: tamper.body ?? signed.body });
  return { request, signed };
}
