// For tests of the webhook path, tokens and install: tenants with unique shop domains (every test file shares one
// database per run), and signed deliveries as real Request objects.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { handleShopifyWebhook, type WebhookDeps } from "@/server/shopify/webhooks/handle";
import { newTenantId } from "@/server/tenants/service";
import { startSimulatedShopify, TEST_APP, type SimulatedShopify } from "@/simulators/shopify/testing";
import { signedWebhookRequest, WEBHOOK_PATH, type WebhookRequestInput } from "@/simulators/shopify/webhook";

export const uniqueShop = (label: string) => `${label}-${randomBytes(4).toString("hex")}.myshopify.com`;

export interface TestTenantInput {
  shop: string;
  status?: "ACTIVE" | "PAUSED" | "UNINSTALLED";
  accessToken?: string;
  webhookSecret?: string;
  shopifyShopId?: string;
  /** uninstalled at this time, as app/uninstalled leaves a winery: no tokens, revokedAt set */
  uninstalledAt?: Date;
}

export async function createTestTenant(db: Db, input: TestTenantInput) {
  const tenantId = newTenantId();
  const uninstalled = input.uninstalledAt !== undefined;
  return db.tenant.create({
    data: {
      id: tenantId,
      name: input.shop,
      shopDomain: input.shop,
      shopifyShopId: input.shopifyShopId,
      status: uninstalled ? "UNINSTALLED" : (input.status ?? "ACTIVE"),
      shopify: {
        create: {
          method: input.webhookSecret ? "MANUAL" : "OAUTH",
          accessTokenEnc: uninstalled ? null : encryptSecret(input.accessToken ?? "shpat_test", { tenantId, column: "ShopifyConnection.accessTokenEnc" }),
          webhookSecretEnc: input.webhookSecret ? encryptSecret(input.webhookSecret, { tenantId, column: "ShopifyConnection.webhookSecretEnc" }) : null,
          revokedAt: input.uninstalledAt,
        },
      },
    },
  });
}

/**
 * The webhook endpoint as a real HTTP server, for the simulator to deliver to: each request goes to
 * handleShopifyWebhook with `deps()` read at that moment (so a test can move the clock between deliveries).
 */
export async function startWebhookReceiver(deps: () => WebhookDeps): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://receiver${req.url ?? "/"}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      handleShopifyWebhook(request, deps())
        .then(async (response) => {
          res.writeHead(response.status, { "Content-Type": response.headers.get("Content-Type") ?? "text/plain" });
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(error instanceof Error ? error.message : String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
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

/** For a test file's top level (await it): a Shopify simulator for the file's tests, closed with `db` after the last of them. */
export async function startSimulatedShopifyForFile(db: Db): Promise<SimulatedShopify> {
  const simulated = await startSimulatedShopify();
  afterAll(async () => {
    await simulated.sim.close();
    await db.$disconnect();
  });
  return simulated;
}
