import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import { ORDER_CODE_METAFIELD, reconcileQuery, webhookTopicEnum } from "@/server/shopify/admin";
import { SIMULATOR_SHOP_HEADER } from "@/server/shopify/seam";
import { SIM_APP_ID } from "@/simulators/shopify/metafields";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { startSimulatedShopify, type SimulatedShopify } from "@/simulators/shopify/testing";

const HILLTOP = "hilltop-estate.myshopify.com";

describe("Admin GraphQL operations against the simulator", () => {
  let s: SimulatedShopify;
  beforeAll(async () => {
    s = await startSimulatedShopify();
  });
  afterAll(() => s.sim.close());
  beforeEach(() => s.sim.reset());

  it("reads an order by GID, and answers null for one that does not exist", async () => {
    const admin = s.adminFor(HILLTOP);
    const created = await s.sim.createOrder({ shop: HILLTOP, test: true });
    expect(await admin.orderById(created.gid)).toEqual({
      id: created.gid,
      name: "#1001",
      tags: [],
      test: true,
      cancelledAt: null,
      createdAt: created.payload.created_at,
      taxesIncluded: created.payload.taxes_included,
    });
    expect(await admin.orderById("gid://shopify/Order/999")).toBeNull();
  });

  it("sees an order cancelled after it was created", async () => {
    const created = await s.sim.createOrder({ shop: HILLTOP });
    s.sim.cancelOrder(HILLTOP, created.gid);
    const admin = s.adminFor(HILLTOP);
    expect((await admin.orderById(created.gid))?.cancelledAt).toEqual(expect.any(String));
    expect((await admin.fetchOrderPayload(created.gid))?.cancel_reason).toBe("customer");
  });

  it("keeps only exact name matches although the search matches #10010 for #1001", async () => {
    const admin = s.adminFor(HILLTOP);
    const exact = await s.sim.createOrder({ shop: HILLTOP, orderNumber: 1001 });
    await s.sim.createOrder({ shop: HILLTOP, orderNumber: 10010 });
    await s.sim.createOrder({ shop: HILLTOP, orderNumber: 10011 });
    expect((await admin.ordersByName("#1001")).map((o) => o.id)).toEqual([exact.gid]);
    expect(await admin.ordersByName("#100")).toEqual([]);
  });

  it("finds names in a shop's own format", async () => {
    s.sim.configureShop(HILLTOP, { namePrefix: "HT-", nameSuffix: "-W" });
    const created = await s.sim.createOrder({ shop: HILLTOP });
    expect(created.name).toBe("HT-1001-W");
    expect((await s.adminFor(HILLTOP).ordersByName("HT-1001-W")).map((o) => o.id)).toEqual([created.gid]);
  });

  it("pages through untagged orders created after a date, oldest first", async () => {
    const admin = s.adminFor(HILLTOP);
    const at = (minute: number) => `2026-10-05T10:${String(minute).padStart(2, "0")}:00.000Z`;
    await s.sim.createOrder({ shop: HILLTOP, createdAt: at(0) }); // before the start date
    const wanted = [];
    for (let minute = 10; minute < 17; minute++) wanted.push((await s.sim.createOrder({ shop: HILLTOP, createdAt: at(minute) })).gid);
    const synced = await s.sim.createOrder({ shop: HILLTOP, createdAt: at(20), tags: [SYNC_TAGS.created] });
    const failed = await s.sim.createOrder({ shop: HILLTOP, createdAt: at(21), tags: ["gift", SYNC_TAGS.error] });

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await admin.ordersForReconcile({ createdAfter: new Date(at(5)), first: 3, after });
      seen.push(...page.orders.map((o) => o.id));
      after = page.hasNextPage ? page.endCursor : null;
      pages++;
    } while (after);
    expect(seen).toEqual(wanted);
    expect(pages).toBe(3);
    expect(seen).not.toContain(synced.gid);
    expect(seen).not.toContain(failed.gid);
    expect(reconcileQuery(new Date(at(5)))).toBe(`created_at:>'${at(5)}' AND -tag:"vintrace-order-created" AND -tag:"vintrace-order-error"`);
  });

  it("lists the newest untagged orders in one call, newest first, each saying whether its prices include tax", async () => {
    const shop = `recent-${Date.now()}.myshopify.com`;
    const admin = s.adminFor(shop);
    const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T09:00:00.000Z`;
    await s.sim.createOrder({ shop, createdAt: at(1) }); // before the window
    const inWindow = [];
    for (let day = 10; day < 16; day++) inWindow.push(await s.sim.createOrder({ shop, createdAt: at(day), taxesIncluded: day % 2 === 0 }));
    await s.sim.createOrder({ shop, createdAt: at(16), tags: [SYNC_TAGS.created] });

    const before = s.sim.requests(shop).length;
    const recent = await admin.recentOrders({ createdAfter: new Date(at(5)), first: 4 });
    expect(s.sim.requests(shop).length - before).toBe(1);
    expect(recent.map((o) => o.id)).toEqual(inWindow.slice(2).reverse().map((o) => o.gid));
    expect(recent.map((o) => o.taxesIncluded)).toEqual([false, true, false, true]);
  });

  it("rebuilds the orders/create payload from GraphQL for orders that arrived without a webhook", async () => {
    const created = await s.sim.createOrder({
      shop: HILLTOP,
      lines: [
        { sku: "21SHZ750", qty: 2 },
        { sku: "TOTE-NAT", qty: 1 },
        { sku: "", qty: 1, price: "5.50", title: "Gift wrap" },
      ],
      discountPercent: 10,
    });
    const stored = created.payload;
    const fetched = await s.adminFor(HILLTOP).fetchOrderPayload(created.gid);
    expect(fetched).not.toBeNull();
    const { order_number: _n, number: _m, confirmation_number: _c, discount_codes, discount_applications: _a, ...comparable } = stored;
    expect(fetched).toEqual({ ...comparable, discount_codes: discount_codes.map((d) => ({ code: d.code })) });
    expect(fetched?.line_items[0]).toMatchObject({ sku: "21SHZ750", price: "35.00", quantity: 2, discount_allocations: [{ amount: "7.00" }] });
    expect(fetched?.line_items[2].sku).toBeNull();
    expect(await s.adminFor(HILLTOP).fetchOrderPayload("gid://shopify/Order/1")).toBeNull();
  });

  it("pages line items past the first hundred", async () => {
    const lines = Array.from({ length: 130 }, (_, i) => ({ sku: `BULK-${i}`, qty: 1, price: "1.00" }));
    const created = await s.sim.createOrder({ shop: HILLTOP, lines });
    const fetched = await s.adminFor(HILLTOP).fetchOrderPayload(created.gid);
    expect(fetched?.line_items.map((l) => l.sku)).toEqual(lines.map((l) => l.sku));
    expect(fetched?.total_line_items_price).toBe("130.00");
  });

  it("adds and removes tags, and surfaces userErrors as USER_ERROR", async () => {
    const admin = s.adminFor(HILLTOP);
    const { gid } = await s.sim.createOrder({ shop: HILLTOP, tags: ["wholesale"] });
    await admin.tagsAdd(gid, [SYNC_TAGS.error]);
    await admin.tagsAdd(gid, [SYNC_TAGS.created, SYNC_TAGS.error]);
    expect(s.sim.tagsOf(HILLTOP, gid)).toEqual(["wholesale", SYNC_TAGS.error, SYNC_TAGS.created]);
    await admin.tagsRemove(gid, [SYNC_TAGS.error]);
    expect(s.sim.tagsOf(HILLTOP, gid)).toEqual(["wholesale", SYNC_TAGS.created]);

    const refused = await admin.tagsAdd("gid://shopify/Order/404", [SYNC_TAGS.created]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ShopifyAdminError);
    expect(refused).toMatchObject({ kind: "USER_ERROR", retryable: false, userErrors: [{ field: ["id"] }] });
    expect((refused as Error).message).toMatch(/tagsAdd was refused: id: Order does not exist/);
  });

  it("pages through 1,000+ variants 250 at a time", async () => {
    // A Plus-sized bucket: on Standard (2000, 100/s) the fifth 502-point page rightly waits about five seconds.
    s.sim.configureShop(HILLTOP, { bucket: { maximumAvailable: 10_000, restoreRate: 1000 } });
    s.sim.seedVariants(HILLTOP, 1000);
    const variants = [];
    for await (const variant of s.adminFor(HILLTOP).productVariants()) variants.push(variant);
    expect(variants).toHaveLength(1007);
    expect(new Set(variants.map((v) => v.id)).size).toBe(1007);
    expect(variants[0]).toMatchObject({ sku: "21SHZ750", title: "750ml", price: "35.00", productTitle: "2021 Shiraz" });
    expect(variants.at(-1)?.sku).toBe("SEED-01000");
    expect(s.sim.requests(HILLTOP).filter((r) => r.operation === "ProductVariants")).toHaveLength(5);
  });

  it("lists and creates webhook subscriptions, surfacing refusals", async () => {
    const admin = s.adminFor(HILLTOP);
    expect(await admin.listWebhookSubscriptions()).toEqual([]);
    const created = await admin.createWebhookSubscription("orders/create", "https://sync.example.com/api/webhooks/shopify");
    expect(created).toMatchObject({ topic: "ORDERS_CREATE", uri: "https://sync.example.com/api/webhooks/shopify", format: "JSON" });
    await admin.createWebhookSubscription("APP_UNINSTALLED", "https://sync.example.com/api/webhooks/shopify");
    expect((await admin.listWebhookSubscriptions()).map((w) => w.topic)).toEqual(["ORDERS_CREATE", "APP_UNINSTALLED"]);

    await expect(admin.createWebhookSubscription("orders/create", "https://sync.example.com/api/webhooks/shopify")).rejects.toMatchObject({
      kind: "USER_ERROR",
      message: expect.stringMatching(/already been taken/),
    });

    s.sim.configureShop(HILLTOP, { pcdApproved: false });
    await expect(admin.createWebhookSubscription("orders/create", "https://other.example.com/hook")).rejects.toMatchObject({
      kind: "USER_ERROR",
      message: expect.stringMatching(/not approved to subscribe to webhook topics containing protected customer data/),
    });
    expect(webhookTopicEnum("app/uninstalled")).toBe("APP_UNINSTALLED");
  });

  describe("the vintrace code's order metafield", () => {
    const APP_NAMESPACE = `app--${SIM_APP_ID}--vintrace`;

    /** A GraphQL call as any app would make it, for what the admin client never asks. */
    async function graphql(query: string, variables: Record<string, unknown>) {
      const response = await fetch(`${s.sim.url}/admin/api/2026-10/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", [SIMULATOR_SHOP_HEADER]: HILLTOP, "X-Shopify-Access-Token": s.sim.issueToken(HILLTOP) },
        body: JSON.stringify({ query, variables }),
      });
      return ((await response.json()) as { data: Record<string, unknown> }).data;
    }
    const metafieldsSet = (metafields: Record<string, unknown>[]) =>
      graphql("mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } } }", { metafields }).then(
        (data) => data.metafieldsSet as { metafields: unknown[] | null; userErrors: { field: string[]; code: string }[] },
      );

    it("creates the pinned definition once (TAKEN after), and writes the code, readable back as $app:vintrace", async () => {
      const admin = s.adminFor(HILLTOP);
      expect(await admin.createOrderCodeMetafieldDefinition()).toBe("created");
      expect(await admin.createOrderCodeMetafieldDefinition()).toBe("existed");
      const { gid } = await s.sim.createOrder({ shop: HILLTOP });
      await admin.setOrderCodeMetafield(gid, "SO-0007");
      await admin.setOrderCodeMetafield(gid, "SO-0008");

      const written = s.sim.metafieldsOf(HILLTOP, gid);
      expect(written.definitions).toEqual([
        expect.objectContaining({ name: ORDER_CODE_METAFIELD.name, namespace: APP_NAMESPACE, key: "sales_order_code", ownerType: "ORDER", type: "single_line_text_field", pinnedPosition: 1 }),
      ]);
      expect(written.metafields).toEqual([expect.objectContaining({ namespace: APP_NAMESPACE, key: "sales_order_code", type: "single_line_text_field", value: "SO-0008" })]);

      const read = await graphql(
        "query OrderMetafield($id: ID!, $namespace: String!, $key: String!) { order(id: $id) { metafield(namespace: $namespace, key: $key) { value } } }",
        { id: gid, namespace: "$app:vintrace", key: "sales_order_code" },
      );
      expect(read).toMatchObject({ order: { metafield: { value: "SO-0008" } } });
      const hook = await fetch(`${s.sim.url}/__sim/metafields?shop=${HILLTOP}&gid=${encodeURIComponent(gid)}`).then((r) => r.json());
      expect(hook).toMatchObject({ metafields: [{ value: "SO-0008" }], definitions: [{ key: "sales_order_code" }] });
    });

    it("refuses what Shopify refuses, and sets nothing when any metafield is refused", async () => {
      const admin = s.adminFor(HILLTOP);
      await admin.createOrderCodeMetafieldDefinition();
      const { gid } = await s.sim.createOrder({ shop: HILLTOP });
      await expect(admin.setOrderCodeMetafield("gid://shopify/Order/404", "SO-1")).rejects.toMatchObject({
        kind: "USER_ERROR",
        message: expect.stringMatching(/metafieldsSet was refused: metafields.0.ownerId: Owner does not exist/),
      });

      const good = { ownerId: gid, namespace: "$app:vintrace", key: "sales_order_code", value: "SO-1" };
      const refusals = await Promise.all([
        metafieldsSet([{ ...good, type: "number_integer" }]),
        metafieldsSet([{ ...good, value: "SO-1\nSO-2" }]),
        metafieldsSet([{ ...good, key: "x" }]),
        metafieldsSet([{ ...good, namespace: "$app:", type: "single_line_text_field" }]),
        metafieldsSet([{ ...good, namespace: "$app:other" }]),
        metafieldsSet([good, { ...good, ownerId: "gid://shopify/Product/1" }]),
      ]);
      expect(refusals.map((r) => r.userErrors.map((e) => e.code))).toEqual([["INVALID_TYPE"], ["INVALID_VALUE"], ["INVALID"], ["INVALID"], ["BLANK"], ["INVALID"]]);
      expect(refusals.every((r) => r.metafields === null)).toBe(true);
      expect(s.sim.metafieldsOf(HILLTOP, gid).metafields).toEqual([]);
    });
  });
});
