// Test support for the sync engine (never imported by production code): both simulators on free ports, wineries
// connected to them through the database exactly as in production (vintrace address and encrypted key in
// VintraceSettings, a simulator-issued Shopify token in ShopifyConnection), orders delivered through the real
// webhook intake, and a way to run the worker until it has nothing left to do.
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import type { OrderSync, Prisma } from "@/server/generated/prisma/client";
import { ShopPacer } from "@/server/shopify/shop-pacer";
import { webhookRequest } from "@/test/support/shopify";
import { adminForTenant } from "@/server/shopify/tokens";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { newTenantId } from "@/server/tenants/service";
import { simControl, testClient, testSeed, TEST_TOKEN } from "@/test/support/vintrace";
import type { SalesOrder, VintraceClient } from "@/server/vintrace";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import type { SeedInput } from "@/simulators/vintrace/state";
import { startSimulatedShopify, TEST_APP, type SimulatedShopify } from "@/simulators/shopify/testing";
import type { CreateOrderInput, CreatedOrder } from "@/simulators/shopify/server";
import { claimDueSyncs } from "../../server/sync/queue";
import { defaultSyncDeps, vintraceFromSettings, type AdminFor, type SyncDeps } from "../../server/sync/context";
import { TenantPacer } from "../../server/sync/pacer";
import { processOrder, type ProcessResult } from "../../server/sync/process-order";

export interface TenantOptions {
  label?: string;
  status?: "ACTIVE" | "PAUSED" | "UNINSTALLED";
  syncOrdersCreatedAfter?: Date;
  settings?: Partial<Prisma.VintraceSettingsUncheckedCreateInput>;
  seed?: Partial<SeedInput>;
  scopes?: string;
}

export interface Tenant {
  tenantId: string;
  shop: string;
  /** the vintrace customer code in the simulator */
  code: string;
  vintrace: VintraceClient;
  /** creates the order in the Shopify simulator; `deliver` (default true) sends orders/create through the intake */
  placeOrder(input?: Partial<Omit<CreateOrderInput, "shop" | "deliver" | "duplicates">> & { deliver?: boolean; duplicates?: number }): Promise<CreatedOrder>;
  /** delivers orders/create for an existing order, `times` times at once with the same ids */
  deliver(order: CreatedOrder, times?: number): Promise<number[]>;
  salesOrdersFor(orderGid: string): Promise<SalesOrder[]>;
  tags(orderGid: string): string[];
  sync(orderGid: string): Promise<OrderSync>;
  simControl(action: string, body?: unknown, method?: string): Promise<unknown>;
}

export interface SyncWorld {
  db: Db;
  vintraceSim: VintraceSimulator;
  shopify: SimulatedShopify;
  adminFor: AdminFor;
  /** engine dependencies wired to the simulators, with a shortened retry schedule */
  deps(overrides?: Partial<SyncDeps> & { vintraceTimeoutMs?: number }): SyncDeps;
  addTenant(options?: TenantOptions): Promise<Tenant>;
  tenantIds(): string[];
  close(): Promise<void>;
}

export const uniqueLabel = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

/** Polls `check` until it gives a value (which it returns), or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | null | false | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startSyncWorld(db: Db, options: { vintraceLatencyMs?: number } = {}): Promise<SyncWorld> {
  const vintraceSim = await startVintraceSimulator({ latencyMs: options.vintraceLatencyMs });
  const shopify = await startSimulatedShopify({ shops: [] });
  const shopPacer = new ShopPacer();
  const tenants: string[] = [];
  const adminFor: AdminFor = (tenantId) =>
    adminForTenant(db, tenantId, { shopify: shopify.shopify, pacer: shopPacer, retry: { baseDelayMs: 20, jitterMs: 10, maxDelayMs: 500 } });
  const pacer = new TenantPacer({ ratePerSecond: 1_000, burst: 1_000 });

  return {
    db,
    vintraceSim,
    shopify,
    adminFor,
    deps: ({ vintraceTimeoutMs, ...overrides } = {}) =>
      defaultSyncDeps(db, {
        adminFor,
        vintraceFor: vintraceFromSettings(db, { allowlist: [vintraceSim.url], timeoutMs: vintraceTimeoutMs ?? 5_000, pacer }),
        maxAttempts: 10,
        retryScale: 0.001,
        postTimeoutSettleMs: 0,
        ...overrides,
      }),
    tenantIds: () => [...tenants],
    async addTenant(tenantOptions = {}) {
      const label = uniqueLabel(tenantOptions.label ?? "winery");
      const shop = `${label}.myshopify.com`;
      const code = label.replace(/-/g, "");
      await simControl(vintraceSim, code, "reset", testSeed(tenantOptions.seed));
      const tenantId = newTenantId();
      const tenant = await db.tenant.create({
        data: {
          id: tenantId,
          name: label,
          shopDomain: shop,
          status: tenantOptions.status ?? "ACTIVE",
          syncOrdersCreatedAfter: tenantOptions.syncOrdersCreatedAfter ?? new Date(Date.now() - 60 * 60 * 1000),
          shopify: {
            create: { method: "MANUAL", accessTokenEnc: encryptSecret(shopify.sim.issueToken(shop), { tenantId, column: "ShopifyConnection.accessTokenEnc" }), scopes: tenantOptions.scopes ?? "read_orders,write_orders,read_products" },
          },
          vintrace: {
            create: {
              baseUrl: vintraceSim.customerUrl(code),
              apiKeyEnc: encryptSecret(TEST_TOKEN, { tenantId, column: "VintraceSettings.apiKeyEnc" }),
              customerName: "Shopify Web Customer",
              salesPriceList: "Retail Inclusive",
              storageAreaId: 99,
              ...(tenantOptions.settings as object),
            },
          },
        },
      });
      tenants.push(tenant.id);
      const client = testClient(vintraceSim, code);
      const deliver = async (order: CreatedOrder, times = 1) => {
        const ids = { webhookId: randomBytes(8).toString("hex"), eventId: randomBytes(8).toString("hex") };
        const responses = await Promise.all(
          Array.from({ length: times }, () =>
            handleShopifyWebhook(webhookRequest({ shop, topic: "orders/create", payload: order.payload, ...ids }).request, { db, shopify: shopify.shopify }),
          ),
        );
        return responses.map((r) => r.status);
      };
      return {
        tenantId: tenant.id,
        shop,
        code,
        vintrace: client,
        async placeOrder(input = {}) {
          const { deliver: send = true, duplicates = 1, ...rest } = input;
          const order = await shopify.sim.createOrder({ shop, ...rest });
          if (send) {
            const statuses = await deliver(order, duplicates);
            if (statuses.some((s) => s !== 200)) throw new Error(`the intake answered ${statuses.join(", ")}`);
          }
          return order;
        },
        deliver,
        async salesOrdersFor(orderGid) {
          const externalTransactionId = `shopify:${shop}:${orderGid.slice(orderGid.lastIndexOf("/") + 1)}`;
          const listed = await client.listSalesOrders({ externalTransactionId }, 0, 200);
          if (!listed.ok) throw new Error(listed.error.message);
          return listed.value.rows.filter((o) => o.externalTransactionId === externalTransactionId);
        },
        tags: (orderGid) => shopify.sim.tagsOf(shop, orderGid),
        sync: (orderGid) => db.orderSync.findUniqueOrThrow({ where: { tenantId_orderGid: { tenantId: tenant.id, orderGid } } }),
        simControl: (action, body, method) => simControl(vintraceSim, code, action, body, method),
      };
    },
    async close() {
      await Promise.all([vintraceSim.close(), shopify.sim.close()]);
    },
  };
}

/** What a `scripts/worker.ts` process needs, beyond the parent's environment, to work for this world on `databaseUrl`. */
export function workerProcessEnv(world: SyncWorld, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    EMBEDDED_DB: "",
    SHOPIFY_API_KEY: TEST_APP.apiKey,
    SHOPIFY_API_SECRET: TEST_APP.apiSecret,
    SHOPIFY_ADMIN_ORIGIN: world.shopify.sim.url,
    OUTBOUND_ALLOWLIST: world.vintraceSim.url,
    ALLOW_SIMULATORS: "1",
    APP_URL: TEST_APP.appUrl,
  };
}

/** For a test file's top level (await it): a world for the file's tests, closed with `db` after the last of them. */
export async function startSyncWorldForFile(db: Db): Promise<SyncWorld> {
  const world = await startSyncWorld(db);
  afterAll(async () => {
    await world.close();
    await db.$disconnect();
  });
  return world;
}

/**
 * Runs the engine in this process for `tenantIds` until nothing is due or waiting (a retry scheduled within
 * `timeoutMs` is waited for). Returns every result, for assertions.
 */
export async function runUntilIdle(deps: SyncDeps, tenantIds: string[], { timeoutMs = 20_000, owner = uniqueLabel("test-worker") } = {}): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  const deadline = Date.now() + timeoutMs;
  const lease = { owner, leaseMs: 30_000 };
  while (Date.now() < deadline) {
    const rows = await claimDueSyncs(deps.db, { owner, limit: 50, perTenantLimit: 50, leaseMs: lease.leaseMs, onlyTenants: tenantIds });
    if (rows.length > 0) {
      results.push(...(await Promise.all(rows.map((row) => processOrder(deps, row, lease)))));
      continue;
    }
    const waiting = await deps.db.orderSync.findFirst({
      where: { tenantId: { in: tenantIds }, nextAttemptAt: { not: null }, OR: [{ status: "PENDING" }, { tagState: { in: ["PENDING_CREATED", "PENDING_ERROR"] } }, { metafieldState: "PENDING" }] },
      orderBy: { nextAttemptAt: "asc" },
    });
    if (!waiting?.nextAttemptAt) return results;
    // Held by another worker (a racing test runner): look again shortly, it will be released or finished.
    const heldElsewhere = waiting.leaseOwner !== null && waiting.leaseOwner !== owner && waiting.leaseUntil !== null && waiting.leaseUntil.getTime() > Date.now();
    const wait = heldElsewhere ? 20 : Math.max(waiting.nextAttemptAt.getTime() - Date.now(), 10);
    // Looked at again at least every 200 ms: someone else (a retry, a resume) may bring it forward.
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 200, Math.max(0, deadline - Date.now()))));
  }
  throw new Error(`the engine was still busy after ${timeoutMs} ms (results so far: ${results.join(", ")})`);
}
