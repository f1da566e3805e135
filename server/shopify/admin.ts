// The Admin GraphQL operations the sync engine needs, for one shop, over `shopify.clients.Graphql` with an
// offline session. Every call goes through requestAdmin: per-shop pacing, retries, ShopifyAdminError.
import "server-only";
import { Session, type Shopify } from "@shopify/shopify-api";
import { getShopify } from "@/server/shopify/api";
import { throwOnUserErrors } from "@/server/shopify/admin-error";
import { defaultRetryPolicy, requestAdmin, type AdminRequestContext, type RetryPolicy } from "@/server/shopify/admin-request";
import * as gql from "@/server/shopify/graphql";
import { orderPayloadFromGraphql, type ShopifyOrderPayload } from "@/server/shopify/order";
import { defaultShopPacer, type ShopPacer } from "@/server/shopify/shop-pacer";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";

export interface ShopCredentials {
  shop: string;
  accessToken: string;
}

export type OrderSummary = gql.OrderSummaryNode;

export interface OrdersPage {
  orders: OrderSummary[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ProductVariant {
  id: string;
  sku: string | null;
  title: string;
  price: string;
  productTitle: string;
}

export type WebhookSubscription = gql.WebhookSubscriptionNode;

export interface ShopifyAdmin {
  readonly shop: string;
  /** Shopify's numeric id of the shop ("123" from gid://shopify/Shop/123); it also proves the token is accepted. */
  shopId(): Promise<string>;
  /** The address Shopify has for the shop's owner (Settings → Store details): where its install sends the invitation. */
  shopEmail(): Promise<string>;
  orderById(gid: string): Promise<OrderSummary | null>;
  /** Orders whose name is exactly `name`; the search itself matches loosely. */
  ordersByName(name: string): Promise<OrderSummary[]>;
  /** One page of orders created after `createdAfter` that carry neither sync tag, oldest first. */
  ordersForReconcile(args: { createdAfter: Date; first?: number; after?: string | null }): Promise<OrdersPage>;
  /** The newest orders created after a time that carry neither sync tag, newest first: one page, at most 250. */
  recentOrders(args: { createdAfter: Date; first: number }): Promise<OrderSummary[]>;
  /** The order in the shape of an orders/create webhook body, or null when Shopify does not have it. */
  fetchOrderPayload(gid: string): Promise<ShopifyOrderPayload | null>;
  tagsAdd(gid: string, tags: string[]): Promise<void>;
  tagsRemove(gid: string, tags: string[]): Promise<void>;
  productVariants(): AsyncIterable<ProductVariant>;
  listWebhookSubscriptions(): Promise<WebhookSubscription[]>;
  /** `topic` as in a webhook header (`orders/create`) or as the GraphQL enum (`ORDERS_CREATE`). */
  createWebhookSubscription(topic: string, callbackUrl: string): Promise<WebhookSubscription>;
  /** Removes a shop-specific subscription by its id (gid://shopify/WebhookSubscription/…). */
  deleteWebhookSubscription(id: string): Promise<void>;
  /** Creates the pinned definition of the order's vintrace code metafield; "existed" when the shop already has it. */
  createOrderCodeMetafieldDefinition(): Promise<"created" | "existed">;
  /** Writes the vintrace sales order code to the order's app-owned metafield (replacing any earlier value). */
  setOrderCodeMetafield(orderGid: string, code: string): Promise<void>;
}

/**
 * The order metafield that shows the vintrace sales order code in Shopify admin. `$app:` is this app's reserved
 * namespace: only the app can write it, so a merchant or another app cannot change the code we wrote.
 */
export const ORDER_CODE_METAFIELD = {
  name: "vintrace sales order",
  namespace: "$app:vintrace",
  key: "sales_order_code",
  type: "single_line_text_field",
} as const;

export interface ShopifyAdminOptions {
  shopify?: Shopify;
  pacer?: ShopPacer;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

const ORDERS_BY_NAME_LIMIT = 10;
const PAGE_SIZE_LIMIT = 250;

/** Search values are quoted; a quote or backslash inside must be escaped. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** `orders/create` → `ORDERS_CREATE` */
export const webhookTopicEnum = (topic: string) => topic.trim().toUpperCase().replace(/[/.]/g, "_");

/** `gid://shopify/Shop/123` → `123` */
export function numericShopId(gid: string): string {
  const match = /^gid:\/\/shopify\/Shop\/(\d+)$/.exec(gid);
  if (!match) throw new Error(`Shopify answered an unexpected shop id "${gid.slice(0, 80)}"`);
  return match[1];
}

export function reconcileQuery(createdAfter: Date): string {
  const notTagged = Object.values(SYNC_TAGS).map((tag) => `-tag:${quoted(tag)}`);
  return [`created_at:>'${createdAfter.toISOString()}'`, ...notTagged].join(" AND ");
}

export function createShopifyAdmin(credentials: ShopCredentials, options: ShopifyAdminOptions = {}): ShopifyAdmin {
  const shopify = options.shopify ?? getShopify();
  const session = new Session({
    id: shopify.session.getOfflineId(credentials.shop),
    shop: credentials.shop,
    state: "",
    isOnline: false,
    accessToken: credentials.accessToken,
  });
  const ctx: AdminRequestContext = {
    shop: credentials.shop,
    client: new shopify.clients.Graphql({ session }),
    pacer: options.pacer ?? defaultShopPacer,
    retry: { ...defaultRetryPolicy, ...options.retry },
    sleep: options.sleep,
  };
  const run = <T>(operation: string, document: string, variables?: Record<string, unknown>) =>
    requestAdmin<T>(ctx, operation, document, variables);

  async function allLineItems(gid: string, first: gql.OrderPayloadNode["lineItems"]): Promise<gql.LineItemNode[]> {
    const items = [...first.nodes];
    for (let page = first.pageInfo; page.hasNextPage; ) {
      const data = await run<gql.OrderLineItemsPageData>("OrderLineItemsPage", gql.ORDER_LINE_ITEMS_PAGE, { id: gid, after: page.endCursor });
      if (!data.order) break;
      items.push(...data.order.lineItems.nodes);
      page = data.order.lineItems.pageInfo;
    }
    return items;
  }

  return {
    shop: credentials.shop,

    async shopId() {
      const data = await run<gql.ShopIdData>("ShopId", gql.SHOP_ID);
      return numericShopId(data.shop.id);
    },

    async shopEmail() {
      const data = await run<gql.ShopEmailData>("ShopEmail", gql.SHOP_EMAIL);
      return data.shop.email;
    },

    async orderById(gid) {
      const data = await run<gql.OrderByIdData>("OrderById", gql.ORDER_BY_ID, { id: gid });
      return data.order;
    },

    async ordersByName(name) {
      const data = await run<gql.OrdersByNameData>("OrdersByName", gql.ORDERS_BY_NAME, {
        query: `name:${quoted(name)}`,
        first: ORDERS_BY_NAME_LIMIT,
      });
      return data.orders.nodes.filter((order) => order.name === name);
    },

    async ordersForReconcile({ createdAfter, first = 50, after = null }) {
      const data = await run<gql.OrdersForReconcileData>("OrdersForReconcile", gql.ORDERS_FOR_RECONCILE, {
        query: reconcileQuery(createdAfter),
        first: Math.min(first, PAGE_SIZE_LIMIT),
        after,
      });
      return { orders: data.orders.nodes, ...data.orders.pageInfo };
    },

    async recentOrders({ createdAfter, first }) {
      const data = await run<gql.RecentOrdersData>("RecentOrders", gql.RECENT_ORDERS, { query: reconcileQuery(createdAfter), first: Math.min(first, PAGE_SIZE_LIMIT) });
      return data.orders.nodes;
    },

    async fetchOrderPayload(gid) {
      const data = await run<gql.OrderPayloadData>("OrderPayload", gql.ORDER_PAYLOAD, { id: gid });
      if (!data.order) return null;
      return orderPayloadFromGraphql(data.order, await allLineItems(gid, data.order.lineItems));
    },

    async tagsAdd(gid, tags) {
      const data = await run<gql.TagsAddData>("TagsAdd", gql.TAGS_ADD, { id: gid, tags });
      throwOnUserErrors("tagsAdd", data.tagsAdd.userErrors);
    },

    async tagsRemove(gid, tags) {
      const data = await run<gql.TagsRemoveData>("TagsRemove", gql.TAGS_REMOVE, { id: gid, tags });
      throwOnUserErrors("tagsRemove", data.tagsRemove.userErrors);
    },

    async *productVariants() {
      let after: string | null = null;
      do {
        const data: gql.ProductVariantsData = await run("ProductVariants", gql.PRODUCT_VARIANTS, { first: PAGE_SIZE_LIMIT, after });
        const page = data.productVariants;
        for (const v of page.nodes) yield { id: v.id, sku: v.sku, title: v.title, price: v.price, productTitle: v.product.title };
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
    },

    async listWebhookSubscriptions() {
      const subscriptions: WebhookSubscription[] = [];
      let after: string | null = null;
      do {
        const data: gql.WebhookSubscriptionsData = await run("WebhookSubscriptions", gql.WEBHOOK_SUBSCRIPTIONS, { first: 100, after });
        subscriptions.push(...data.webhookSubscriptions.nodes);
        const page = data.webhookSubscriptions.pageInfo;
        after = page.hasNextPage ? page.endCursor : null;
      } while (after);
      return subscriptions;
    },

    async createWebhookSubscription(topic, callbackUrl) {
      const data = await run<gql.WebhookSubscriptionCreateData>("WebhookSubscriptionCreate", gql.WEBHOOK_SUBSCRIPTION_CREATE, {
        topic: webhookTopicEnum(topic),
        uri: callbackUrl,
      });
      const result = data.webhookSubscriptionCreate;
      throwOnUserErrors(`webhookSubscriptionCreate(${topic})`, result.userErrors);
      if (!result.webhookSubscription) throw new Error(`webhookSubscriptionCreate(${topic}) returned no subscription and no userErrors`);
      return result.webhookSubscription;
    },

    async deleteWebhookSubscription(id) {
      const data = await run<gql.WebhookSubscriptionDeleteData>("WebhookSubscriptionDelete", gql.WEBHOOK_SUBSCRIPTION_DELETE, { id });
      throwOnUserErrors(`webhookSubscriptionDelete(${id})`, data.webhookSubscriptionDelete.userErrors);
    },

    async createOrderCodeMetafieldDefinition() {
      const { name, namespace, key, type } = ORDER_CODE_METAFIELD;
      const data = await run<gql.MetafieldDefinitionCreateData>("MetafieldDefinitionCreate", gql.METAFIELD_DEFINITION_CREATE, {
        // Pinned, so the code shows on the order's page in Shopify admin without the merchant adding it.
        definition: { name, namespace, key, type, ownerType: "ORDER", pin: true },
      });
      const { createdDefinition, userErrors } = data.metafieldDefinitionCreate;
      // Another worker (or an earlier install) created it first: the shop has what we wanted.
      if (userErrors.length > 0 && userErrors.every((e) => e.code === "TAKEN")) return "existed";
      throwOnUserErrors("metafieldDefinitionCreate", userErrors);
      if (!createdDefinition) throw new Error("metafieldDefinitionCreate returned no definition and no userErrors");
      return "created";
    },

    async setOrderCodeMetafield(orderGid, code) {
      const { namespace, key, type } = ORDER_CODE_METAFIELD;
      const data = await run<gql.MetafieldsSetData>("MetafieldsSet", gql.METAFIELDS_SET, {
        metafields: [{ ownerId: orderGid, namespace, key, type, value: code }],
      });
      throwOnUserErrors("metafieldsSet", data.metafieldsSet.userErrors);
    },
  };
}
