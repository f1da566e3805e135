// The Admin GraphQL operations the app sends, recognised by operation name. Not a GraphQL engine: each handler
// answers its query with the shape Shopify would, and states what the query costs (requested up front, actual
// after) so the caller can run the shop's cost bucket.
import { lineItemNodes, metafieldNode, orderPayloadNode, orderSummaryNode } from "@/simulators/shopify/graphql-nodes";
import { createMetafieldDefinition, metafieldOf, setMetafields } from "@/simulators/shopify/metafields";
import { tagsChanged, type OrderWebhook } from "@/simulators/shopify/order-changes";
import { matchesSearch, parseSearchQuery } from "@/simulators/shopify/search-query";
import type { SimOrder, SimShop } from "@/simulators/shopify/shop-state";

export type Variables = Record<string, unknown>;

interface OperationResult {
  data: unknown;
  actualCost: number;
  /** the webhooks the change makes Shopify send */
  webhooks?: OrderWebhook[];
}

interface Operation {
  requestedCost(variables: Variables): number;
  run(shop: SimShop, variables: Variables): OperationResult;
}

/** A request the simulator refuses the way Shopify does: HTTP 200 with top-level `errors`. */
export class GraphqlRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const MAX_PAGE = 250;
const MUTATION_COST = 10;

function pageSize(variables: Variables): number {
  const first = variables.first;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1) throw new GraphqlRequestError("Variable $first must be a positive Int", "argumentLiteralsIncompatible");
  if (first > MAX_PAGE) throw new GraphqlRequestError(`The first argument is limited to ${MAX_PAGE}`, "MAX_COST_EXCEEDED");
  return first;
}

const encodeCursor = (key: number[]) => Buffer.from(JSON.stringify(key)).toString("base64url");
function decodeCursor(cursor: unknown): number[] | null {
  if (typeof cursor !== "string" || cursor === "") return null;
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString()) as number[];
  } catch {
    throw new GraphqlRequestError("Invalid cursor", "argumentLiteralsIncompatible");
  }
}

const after = (a: number[], b: number[]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** Position-based cursors (as Shopify's are), so paging stays correct while items drop out of a filter. */
function paginate<T>(items: T[], keyOf: (item: T) => number[], first: number, afterCursor: unknown) {
  const start = decodeCursor(afterCursor);
  const sorted = [...items].sort((x, y) => (after(keyOf(x), keyOf(y)) ? 1 : -1));
  const remaining = start ? sorted.filter((item) => after(keyOf(item), start)) : sorted;
  const nodes = remaining.slice(0, first);
  const last = nodes.at(-1);
  return { nodes, pageInfo: { hasNextPage: remaining.length > first, endCursor: last ? encodeCursor(keyOf(last)) : null } };
}

const orderKey = (o: SimOrder) => [Date.parse(o.payload.created_at), o.payload.id];

function findOrder(shop: SimShop, id: unknown): SimOrder | undefined {
  return typeof id === "string" ? shop.orders.get(id) : undefined;
}

/** The shop's orders that match the operation's `query` search. */
function matchingOrders(shop: SimShop, v: Variables): SimOrder[] {
  const terms = parseSearchQuery(typeof v.query === "string" ? v.query : "");
  return [...shop.orders.values()].filter((o) => matchesSearch(o, terms));
}

const ordersSearch: Operation = {
  requestedCost: (v) => 2 + pageSize(v),
  run(shop, v) {
    const page = paginate(matchingOrders(shop, v), orderKey, pageSize(v), v.after);
    return { data: { orders: { nodes: page.nodes.map(orderSummaryNode), pageInfo: page.pageInfo } }, actualCost: 2 + page.nodes.length };
  },
};

/** `sortKey: CREATED_AT, reverse: true`: the newest matching orders, one page. */
const recentOrdersSearch: Operation = {
  requestedCost: (v) => 2 + pageSize(v),
  run(shop, v) {
    const newest = matchingOrders(shop, v).sort((a, b) => (after(orderKey(a), orderKey(b)) ? -1 : 1)).slice(0, pageSize(v));
    return { data: { orders: { nodes: newest.map(orderSummaryNode) } }, actualCost: 2 + newest.length };
  },
};

const LINE_ITEMS_PAGE = 100;
const lineItemKey = (l: { id: string }) => [Number(l.id.slice(l.id.lastIndexOf("/") + 1)), 0];

function lineItemsPage(order: SimOrder, afterCursor: unknown) {
  return paginate(lineItemNodes(order), lineItemKey, LINE_ITEMS_PAGE, afterCursor);
}

function tagMutation(name: "tagsAdd" | "tagsRemove", apply: (order: SimOrder, tags: string[]) => void): Operation {
  return {
    requestedCost: () => MUTATION_COST,
    run(shop, v) {
      const order = findOrder(shop, v.id);
      const raw = v.tags;
      const tags = (Array.isArray(raw) ? raw.map(String) : String(raw ?? "").split(",")).map((t) => t.trim()).filter(Boolean);
      const userErrors = [];
      if (!order) userErrors.push({ field: ["id"], message: `Order does not exist: ${String(v.id)}` });
      if (tags.length === 0) userErrors.push({ field: ["tags"], message: "Tags can't be blank" });
      const data = { [name]: { node: userErrors.length ? null : { id: v.id }, userErrors } };
      if (!order || userErrors.length) return { data, actualCost: MUTATION_COST };
      const before = order.tags.join(",");
      apply(order, tags);
      // Shopify sends orders/updated only when the tags did change.
      return { data, actualCost: MUTATION_COST, webhooks: order.tags.join(",") === before ? undefined : tagsChanged(order) };
    },
  };
}

const PROTECTED_DATA_REFUSAL =
  "This app is not approved to subscribe to webhook topics containing protected customer data. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.";

const operations: Record<string, Operation> = {
  ShopId: {
    requestedCost: () => 1,
    run: (shop) => ({ data: { shop: { id: `gid://shopify/Shop/${shop.id}` } }, actualCost: 1 }),
  },
  ShopEmail: {
    requestedCost: () => 1,
    run: (shop) => ({ data: { shop: { email: shop.settings.email } }, actualCost: 1 }),
  },
  OrderById: {
    requestedCost: () => 2,
    run: (shop, v) => {
      const order = findOrder(shop, v.id);
      return { data: { order: order ? orderSummaryNode(order) : null }, actualCost: order ? 2 : 1 };
    },
  },
  OrdersByName: ordersSearch,
  OrdersForReconcile: ordersSearch,
  RecentOrders: recentOrdersSearch,
  OrderPayload: {
    requestedCost: () => 2 + 20 * 2 + LINE_ITEMS_PAGE * 3,
    run: (shop, v) => {
      const order = findOrder(shop, v.id);
      if (!order) return { data: { order: null }, actualCost: 1 };
      const lineItems = lineItemsPage(order, null);
      const actualCost = 5 + order.payload.shipping_lines.length * 2 + lineItems.nodes.length * 3;
      return { data: { order: { ...orderPayloadNode(order), lineItems } }, actualCost };
    },
  },
  OrderLineItemsPage: {
    requestedCost: () => 2 + LINE_ITEMS_PAGE * 3,
    run: (shop, v) => {
      const order = findOrder(shop, v.id);
      if (!order) return { data: { order: null }, actualCost: 1 };
      const lineItems = lineItemsPage(order, v.after);
      return { data: { order: { lineItems } }, actualCost: 2 + lineItems.nodes.length * 3 };
    },
  },
  TagsAdd: tagMutation("tagsAdd", (order, tags) => {
    for (const tag of tags) if (!order.tags.includes(tag)) order.tags.push(tag);
  }),
  TagsRemove: tagMutation("tagsRemove", (order, tags) => {
    order.tags = order.tags.filter((t) => !tags.includes(t));
  }),
  MetafieldDefinitionCreate: {
    requestedCost: () => MUTATION_COST,
    run: (shop, v) => ({ data: { metafieldDefinitionCreate: createMetafieldDefinition(shop, v.definition) }, actualCost: MUTATION_COST }),
  },
  MetafieldsSet: {
    requestedCost: () => MUTATION_COST,
    run: (shop, v) => ({ data: { metafieldsSet: setMetafields(shop, v.metafields) }, actualCost: MUTATION_COST }),
  },
  /** `order(id) { metafield(namespace, key) { … } }`: how a test reads back what the app wrote. */
  OrderMetafield: {
    requestedCost: () => 2,
    run: (shop, v) => {
      const order = findOrder(shop, v.id);
      const metafield = order ? metafieldOf(shop, order.payload.admin_graphql_api_id, v.namespace, v.key) : null;
      return { data: { order: order ? { id: order.payload.admin_graphql_api_id, metafield: metafield && metafieldNode(metafield) } : null }, actualCost: 2 };
    },
  },
  ProductVariants: {
    requestedCost: (v) => 2 + pageSize(v) * 2,
    run: (shop, v) => {
      const page = paginate(shop.variants, (variant) => [variant.id, 0], pageSize(v), v.after);
      const nodes = page.nodes.map((variant) => ({
        id: variant.gid,
        sku: variant.sku,
        title: variant.title,
        price: variant.price,
        product: { title: variant.productTitle },
      }));
      return { data: { productVariants: { nodes, pageInfo: page.pageInfo } }, actualCost: 2 + nodes.length * 2 };
    },
  },
  WebhookSubscriptions: {
    requestedCost: (v) => 2 + pageSize(v),
    run: (shop, v) => {
      const keyOf = (s: { id: string }) => [Number(s.id.slice(s.id.lastIndexOf("/") + 1)), 0];
      const page = paginate(shop.subscriptions, keyOf, pageSize(v), v.after);
      return { data: { webhookSubscriptions: page }, actualCost: 2 + page.nodes.length };
    },
  },
  WebhookSubscriptionCreate: {
    requestedCost: () => MUTATION_COST,
    run: (shop, v) => {
      const topic = String(v.topic ?? "");
      const uri = String(v.uri ?? "");
      const userErrors = [];
      if (!/^[A-Z_]+$/.test(topic)) userErrors.push({ field: ["topic"], message: `Invalid topic ${topic}` });
      else if (topic.startsWith("ORDERS_") && !shop.settings.pcdApproved) userErrors.push({ field: ["webhookSubscription"], message: PROTECTED_DATA_REFUSAL });
      if (!/^https?:\/\//.test(uri)) userErrors.push({ field: ["webhookSubscription", "uri"], message: "Address is invalid" });
      if (shop.subscriptions.some((s) => s.topic === topic && s.uri === uri)) {
        userErrors.push({ field: ["webhookSubscription", "uri"], message: "Address for this topic has already been taken" });
      }
      if (userErrors.length) return { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors } }, actualCost: MUTATION_COST };
      const subscription = shop.subscribe(topic, uri);
      return { data: { webhookSubscriptionCreate: { webhookSubscription: subscription, userErrors } }, actualCost: MUTATION_COST };
    },
  },
  WebhookSubscriptionDelete: {
    requestedCost: () => MUTATION_COST,
    run: (shop, v) => {
      const index = shop.subscriptions.findIndex((s) => s.id === String(v.id ?? ""));
      if (index < 0) {
        return { data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] } }, actualCost: MUTATION_COST };
      }
      const [removed] = shop.subscriptions.splice(index, 1);
      return { data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: removed.id, userErrors: [] } }, actualCost: MUTATION_COST };
    },
  },
};

export function operationNameOf(query: string): string | undefined {
  return /\b(?:query|mutation)\s+([A-Za-z_]\w*)/.exec(query)?.[1];
}

export function findOperation(name: string | undefined): Operation {
  const operation = name ? operations[name] : undefined;
  if (!operation) throw new GraphqlRequestError(`The Shopify simulator does not implement the operation ${name ?? "(anonymous)"}`, "UNSUPPORTED_BY_SIMULATOR");
  return operation;
}
