// The Admin GraphQL documents this app sends (API 2026-10), with the shapes of their replies. Every operation is
// named: the name keys the per-shop cost estimates, and it is how the simulator recognises what was asked.

import "server-only";
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: Money;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

export const SHOP_ID = `query ShopId {
  shop { id }
}`;
export type ShopIdData = { shop: { id: string } };

export const SHOP_EMAIL = `query ShopEmail {
  shop { email }
}`;
export type ShopEmailData = { shop: { email: string } };

const ORDER_SUMMARY_FIELDS = "id name tags test cancelledAt createdAt taxesIncluded";

export interface OrderSummaryNode {
  id: string;
  name: string;
  tags: string[];
  test: boolean;
  cancelledAt: string | null;
  createdAt: string;
  /** whether the order's prices include tax */
  taxesIncluded: boolean;
}

export const ORDER_BY_ID = `query OrderById($id: ID!) {
  order(id: $id) { ${ORDER_SUMMARY_FIELDS} }
}`;
export type OrderByIdData = { order: OrderSummaryNode | null };

export const ORDERS_BY_NAME = `query OrdersByName($query: String!, $first: Int!) {
  orders(first: $first, query: $query) { nodes { ${ORDER_SUMMARY_FIELDS} } }
}`;
export type OrdersByNameData = { orders: { nodes: OrderSummaryNode[] } };

export const ORDERS_FOR_RECONCILE = `query OrdersForReconcile($query: String!, $first: Int!, $after: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { ${ORDER_SUMMARY_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;
export type OrdersForReconcileData = { orders: { nodes: OrderSummaryNode[]; pageInfo: PageInfo } };

export const RECENT_ORDERS = `query RecentOrders($query: String!, $first: Int!) {
  orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) { nodes { ${ORDER_SUMMARY_FIELDS} } }
}`;
export type RecentOrdersData = { orders: { nodes: OrderSummaryNode[] } };

const MONEY = "shopMoney { amount currencyCode }";
const TAX_LINES = `taxLines { title rate priceSet { ${MONEY} } }`;
const ADDRESS = "firstName lastName name company address1 address2 city province provinceCode zip country countryCodeV2 phone";
const LINE_ITEM_FIELDS = `id sku title variantTitle name quantity currentQuantity vendor isGiftCard requiresShipping taxable
      originalUnitPriceSet { ${MONEY} }
      discountAllocations { allocatedAmountSet { ${MONEY} } discountApplication { index } }
      ${TAX_LINES}
      variant { id legacyResourceId }
      product { id legacyResourceId }`;

export interface TaxLineNode {
  title: string;
  rate: number | null;
  priceSet: MoneyBag;
}

export interface LineItemNode {
  id: string;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  name: string;
  quantity: number;
  currentQuantity: number;
  vendor: string | null;
  isGiftCard: boolean;
  requiresShipping: boolean;
  taxable: boolean;
  originalUnitPriceSet: MoneyBag;
  discountAllocations: { allocatedAmountSet: MoneyBag; discountApplication: { index: number } | null }[];
  taxLines: TaxLineNode[];
  variant: { id: string; legacyResourceId: string } | null;
  product: { id: string; legacyResourceId: string } | null;
}

export interface AddressNode {
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCodeV2: string | null;
  phone: string | null;
}

export interface ShippingLineNode {
  id: string | null;
  title: string;
  code: string | null;
  source: string | null;
  originalPriceSet: MoneyBag;
  discountedPriceSet: MoneyBag;
  taxLines: TaxLineNode[];
}

export interface OrderPayloadNode {
  id: string;
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  test: boolean;
  cancelledAt: string | null;
  cancelReason: string | null;
  tags: string[];
  email: string | null;
  phone: string | null;
  note: string | null;
  currencyCode: string;
  presentmentCurrencyCode: string;
  taxesIncluded: boolean;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  sourceName: string | null;
  discountCodes: string[];
  subtotalPriceSet: MoneyBag;
  totalPriceSet: MoneyBag;
  totalTaxSet: MoneyBag;
  totalDiscountsSet: MoneyBag;
  totalShippingPriceSet: MoneyBag;
  taxLines: TaxLineNode[];
  customer: { id: string; legacyResourceId: string; email: string | null; firstName: string | null; lastName: string | null; phone: string | null } | null;
  shippingAddress: AddressNode | null;
  billingAddress: AddressNode | null;
  shippingLines: { nodes: ShippingLineNode[] };
  lineItems: { nodes: LineItemNode[]; pageInfo: PageInfo };
}

export const ORDER_PAYLOAD = `query OrderPayload($id: ID!) {
  order(id: $id) {
    id legacyResourceId name createdAt updatedAt processedAt test cancelledAt cancelReason tags
    email phone note currencyCode presentmentCurrencyCode taxesIncluded
    displayFinancialStatus displayFulfillmentStatus sourceName discountCodes
    subtotalPriceSet { ${MONEY} }
    totalPriceSet { ${MONEY} }
    totalTaxSet { ${MONEY} }
    totalDiscountsSet { ${MONEY} }
    totalShippingPriceSet { ${MONEY} }
    ${TAX_LINES}
    customer { id legacyResourceId email firstName lastName phone }
    shippingAddress { ${ADDRESS} }
    billingAddress { ${ADDRESS} }
    shippingLines(first: 20) {
      nodes { id title code source originalPriceSet { ${MONEY} } discountedPriceSet { ${MONEY} } ${TAX_LINES} }
    }
    lineItems(first: 100) {
      nodes { ${LINE_ITEM_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
export type OrderPayloadData = { order: OrderPayloadNode | null };

export const ORDER_LINE_ITEMS_PAGE = `query OrderLineItemsPage($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      nodes { ${LINE_ITEM_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
export type OrderLineItemsPageData = { order: { lineItems: { nodes: LineItemNode[]; pageInfo: PageInfo } } | null };

export const TAGS_ADD = `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;
export type TagsAddData = { tagsAdd: { node: { id: string } | null; userErrors: UserError[] } };

export const TAGS_REMOVE = `mutation TagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;
export type TagsRemoveData = { tagsRemove: { node: { id: string } | null; userErrors: UserError[] } };

export const PRODUCT_VARIANTS = `query ProductVariants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes { id sku title price product { title } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export type ProductVariantsData = {
  productVariants: { nodes: { id: string; sku: string | null; title: string; price: string; product: { title: string } }[]; pageInfo: PageInfo };
};

const WEBHOOK_SUBSCRIPTION_FIELDS = "id topic uri format createdAt";

export interface WebhookSubscriptionNode {
  id: string;
  topic: string;
  uri: string;
  format: string;
  createdAt: string;
}

export const WEBHOOK_SUBSCRIPTIONS = `query WebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { ${WEBHOOK_SUBSCRIPTION_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;
export type WebhookSubscriptionsData = { webhookSubscriptions: { nodes: WebhookSubscriptionNode[]; pageInfo: PageInfo } };

export const WEBHOOK_SUBSCRIPTION_CREATE = `mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { ${WEBHOOK_SUBSCRIPTION_FIELDS} }
    userErrors { field message }
  }
}`;
export type WebhookSubscriptionCreateData = {
  webhookSubscriptionCreate: { webhookSubscription: WebhookSubscriptionNode | null; userErrors: UserError[] };
};

export const WEBHOOK_SUBSCRIPTION_DELETE = `mutation WebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`;
export type WebhookSubscriptionDeleteData = {
  webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null; userErrors: UserError[] };
};

/** A mutation's userError with Shopify's code for it (TAKEN, INVALID…), for the mutations whose answer depends on it. */
export interface CodedUserError extends UserError {
  code: string | null;
}

export const METAFIELD_DEFINITION_CREATE = `mutation MetafieldDefinitionCreate($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id }
    userErrors { field message code }
  }
}`;
export type MetafieldDefinitionCreateData = {
  metafieldDefinitionCreate: { createdDefinition: { id: string } | null; userErrors: CodedUserError[] };
};

export const METAFIELDS_SET = `mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value }
    userErrors { field message code }
  }
}`;
export type MetafieldsSetData = {
  metafieldsSet: { metafields: { id: string; namespace: string; key: string; value: string }[] | null; userErrors: CodedUserError[] };
};
