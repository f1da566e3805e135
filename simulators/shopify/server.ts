// The Shopify simulator: a real HTTP server with the Admin GraphQL endpoint for many shops, OAuth, webhook
// delivery to the app, and /__sim/ control endpoints. The app reaches it through the seam in
// server/shopify/seam.ts, which names the shop in a header (server calls) or a /shops/<shop> path prefix (browser
// redirects).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { SIMULATOR_SHOP_HEADER } from "@/server/shopify/seam";
import { demoTenants } from "@/simulators/catalog";
import { findOperation, GraphqlRequestError, operationNameOf, type Variables } from "@/simulators/shopify/admin-graphql";
import { LIFECYCLE_TOPICS, lifecyclePayload, type LifecycleTopic } from "@/simulators/shopify/lifecycle";
import { appSubscriptionTopics } from "@/simulators/shopify/app-config";
import { launchUrl } from "@/simulators/shopify/launch-link";
import { SimOAuth } from "@/simulators/shopify/oauth";
import { buildOrderPayload, OrderInputError, type OrderLineInput, type SimOrderPayload } from "@/simulators/shopify/order-payload";
import { catalogProductsFor } from "@/simulators/shopify/shop-catalog";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  SimState,
  type SimFault,
  type SimMetafield,
  type SimMetafieldDefinition,
  type SimOrder,
  type SimShop,
  type ShopSettings,
} from "@/simulators/shopify/shop-state";
import { deliverWebhook, WEBHOOK_PATH, type DeliveryResult } from "@/simulators/shopify/webhook";
import { UnknownDeliveryError, WebhookOutbox, type SimDelivery } from "@/simulators/shopify/deliveries";
import { CANCEL_REASONS, cancelOrder, editOrder, refundOrder, type CancelReason, type EditLine, type OrderWebhook, type RefundInput } from "@/simulators/shopify/order-changes";

export interface ShopifySimulatorOptions {
  port?: number;
  host?: string;
  /** where webhooks go: `${appUrl}/api/webhooks/shopify` */
  appUrl?: string;
  apiKey: string;
  apiSecret: string;
  /** default: the demo wineries' shops */
  shops?: string[];
  /** fixed access tokens per shop, accepted from the start and again after a reset */
  tokens?: Record<string, string>;
  /** simulated latency on every Admin GraphQL call, in ms (benchmarks); also settable with setLatency or POST /__sim/options */
  latencyMs?: number;
  /** the app-wide subscription topics (default: shopify.app.toml's), delivered to shops installed through OAuth */
  appSubscriptionTopics?: string[];
}

/** One way a topic reaches the app: an app-wide subscription from shopify.app.toml, or one the shop holds. */
export interface SubscriptionRoute {
  kind: "app" | "shop";
  uri: string;
}

export interface CreateOrderInput {
  shop: string;
  /** default: two of the shop's first product */
  lines?: OrderLineInput[];
  /** the order's id, to put back an order a restarted simulator forgot (default: a new one) */
  id?: number;
  name?: string;
  orderNumber?: number;
  createdAt?: string;
  test?: boolean;
  cancelledAt?: string | null;
  discountPercent?: number;
  /** whether the prices include tax (default: the shop's own setting) */
  taxesIncluded?: boolean;
  withCustomer?: boolean;
  tags?: string[];
  /** POST orders/create to the app */
  deliver?: boolean;
  /** deliver the same webhook (same webhook and event ids) this many times at once */
  duplicates?: number;
  appUrl?: string;
}

export interface CreatedOrder {
  gid: string;
  name: string;
  payload: SimOrderPayload;
  deliveries: DeliveryResult[];
}

/** An order named by its GID, or by its name as the shop shows it ("#1001"; the number alone also finds it). */
export type OrderRef = { gid: string } | { name: string };

/** A change to an order and the webhooks it sent (none for a topic no subscription of the shop covers). */
export interface ChangedOrder {
  gid: string;
  name: string;
  updatedAt: string;
  deliveries: SimDelivery[];
}

export interface RequestLogEntry {
  shop: string;
  operation: string;
  status: number;
  outcome: "ok" | "throttled" | "fault" | "unauthorized" | "error";
  at: number;
}

export interface ShopifySimulator {
  url: string;
  close(): Promise<void>;
  issueToken(shop: string): string;
  issueExpiringToken(shop: string): { accessToken: string; refreshToken: string; expiresIn: number };
  revokeTokens(shop: string): void;
  /** The shop's numeric id, as `shop { id }` and the lifecycle webhook bodies give it. */
  shopId(shop: string): number;
  /** The body Shopify would send for a lifecycle or compliance topic of this shop. */
  lifecyclePayload(shop: string, topic: LifecycleTopic): Record<string, unknown>;
  /** Delivers a lifecycle or compliance webhook for the shop to the app. */
  deliverLifecycle(shop: string, topic: LifecycleTopic, options?: { appUrl?: string }): Promise<DeliveryResult>;
  /** The merchant uninstalls the app: every token stops working, then app/uninstalled goes to the app. */
  uninstallApp(shop: string, options?: { appUrl?: string }): Promise<DeliveryResult>;
  createOrder(input: CreateOrderInput): Promise<CreatedOrder>;
  deliverOrderCreated(shop: string, gid: string, options?: { duplicates?: number; appUrl?: string }): Promise<DeliveryResult[]>;
  tagsOf(shop: string, gid: string): string[];
  /** What the app wrote: an order's metafields and the shop's metafield definitions. */
  metafieldsOf(shop: string, gid: string): { metafields: SimMetafield[]; definitions: SimMetafieldDefinition[] };
  /**
   * The merchant cancels, refunds or edits an order: it changes as Shopify changes it (the state is changed before
   * the promise's first wait), and the topics Shopify sends for it go to the shop's subscriptions. Refused with
   * OrderInputError when the change is not possible (already cancelled, nothing left to refund, an unknown SKU…).
   */
  cancelOrder(shop: string, order: string | OrderRef, options?: { reason?: CancelReason }): Promise<ChangedOrder>;
  refundOrder(shop: string, order: string | OrderRef, input?: RefundInput): Promise<ChangedOrder>;
  editOrder(shop: string, order: string | OrderRef, lines: EditLine[]): Promise<ChangedOrder>;
  /** Shop-specific subscriptions for these topics (default address: the app's webhook route), as the app would make. */
  subscribe(shop: string, topics: string[], uri?: string): void;
  /** The change webhooks made so far (not orders/create, not lifecycle topics), oldest first. */
  deliveries(shop?: string): SimDelivery[];
  /** From now on the shop's change webhooks wait to be released (true), or go at once again (false). */
  holdDeliveries(shop: string, hold: boolean): void;
  /** Sends held deliveries: those named, in that order (to deliver out of order), else all in the order made. */
  releaseDeliveries(shop: string, webhookIds?: string[]): Promise<SimDelivery[]>;
  /** Sends a delivery again, with the same webhook and event ids: a duplicate. */
  redeliver(shop: string, webhookId: string): Promise<SimDelivery>;
  /** Resolves once every webhook being sent has been answered (a tag write's orders/updated goes in the background). */
  idle(): Promise<void>;
  orders(shop: string): SimOrderPayload[];
  seedVariants(shop: string, count: number): void;
  configureShop(shop: string, settings: Partial<ShopSettings>): void;
  injectFaults(shop: string, faults: SimFault[]): void;
  requests(shop?: string): RequestLogEntry[];
  /** The address Shopify opens when the merchant opens the app from the shop's admin (`timestamp` in seconds: default now). */
  launchUrl(shop: string, options?: { appUrl?: string; timestamp?: number }): string;
  /** Every subscription that would deliver `topic` of `shop`: twice listed means the app receives it twice. */
  subscriptionsFor(shop: string, topic: string): SubscriptionRoute[];
  /** Delays every Admin GraphQL call by `ms` from now on (benchmarks). */
  setLatency(ms: number): void;
  reset(): void;
}

/** The token `npm run sim:shopify` accepts for a demo shop, so the demo seed can connect it without OAuth. */
export const demoAccessToken = (shop: string) => `shpat_demo_${shop.replace(/\.myshopify\.com$/, "").replace(/[^a-z0-9]/gi, "_")}`;

const MAX_LOG = 10_000;

const faultSchema = z.union([
  z.object({ kind: z.literal("THROTTLED"), status: z.union([z.literal(200), z.literal(429)]).optional(), count: z.number().int().positive().optional(), operation: z.string().optional() }),
  z.object({ kind: z.literal("HTTP"), status: z.number().int().min(400).max(599), retryAfter: z.number().nonnegative().optional(), count: z.number().int().positive().optional(), operation: z.string().optional() }),
]);
const shopField = z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be <name>.myshopify.com");
const lineSchema = z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.string().regex(/^\d+(\.\d+)?$/).optional(), title: z.string().optional(), giftCard: z.boolean().optional() });
const orderRefSchema = z.object({ shop: shopField, gid: z.string().startsWith("gid://shopify/Order/").optional(), name: z.string().min(1).optional() });
const oneRef = [(r: { gid?: string; name?: string }) => Boolean(r.gid) !== Boolean(r.name), "name the order by gid or by name (one of them)"] as const;
const refOf = (input: { gid?: string; name?: string }): OrderRef => (input.gid ? { gid: input.gid } : { name: input.name ?? "" });

const control = {
  order: z.object({
    shop: shopField,
    lines: z.array(lineSchema).min(1).optional(),
    name: z.string().min(1).optional(),
    orderNumber: z.number().int().positive().optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    test: z.boolean().optional(),
    cancelledAt: z.iso.datetime({ offset: true }).nullable().optional(),
    discountPercent: z.number().min(0).max(100).optional(),
    withCustomer: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    deliver: z.boolean().optional(),
    duplicates: z.number().int().min(1).max(50).optional(),
    appUrl: z.url().optional(),
  }),
  faults: z.object({ shop: shopField, faults: z.array(faultSchema) }),
  variants: z.object({ shop: shopField, count: z.number().int().min(1).max(25_000) }),
  bucket: z.object({ shop: shopField, maximumAvailable: z.number().positive(), restoreRate: z.number().positive() }),
  shop: z.object({
    shop: shopField,
    webhookSecret: z.string().min(1).optional(),
    pcdApproved: z.boolean().optional(),
    namePrefix: z.string().optional(),
    nameSuffix: z.string().optional(),
    email: z.email().optional(),
  }),
  token: z.object({ shop: shopField, expiring: z.boolean().optional() }),
  options: z.object({ latencyMs: z.number().min(0) }),
  shopOnly: z.object({ shop: shopField }),
  lifecycle: z.object({ shop: shopField, topic: z.enum(LIFECYCLE_TOPICS), appUrl: z.url().optional() }),
  uninstall: z.object({ shop: shopField, appUrl: z.url().optional() }),
  metafields: z.object({ shop: shopField, gid: z.string().startsWith("gid://shopify/Order/") }),
  cancel: orderRefSchema.extend({ reason: z.enum(CANCEL_REASONS).optional() }).refine(...oneRef),
  refund: orderRefSchema
    .extend({
      lines: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().positive() })).min(1).optional(),
      amount: z.string().regex(/^\d+(\.\d{1,2})?$/, "must be an amount like 12.50").optional(),
      note: z.string().optional(),
    })
    .refine(...oneRef),
  edit: orderRefSchema
    .extend({ lines: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().min(0), price: lineSchema.shape.price, title: z.string().optional() })).min(1) })
    .refine(...oneRef),
  subscribe: z.object({ shop: shopField, topics: z.array(z.string().regex(/^[a-z_]+\/[a-z_]+$/, "must be a topic like orders/updated")).min(1), uri: z.url().optional() }),
  hold: z.object({ shop: shopField, hold: z.boolean() }),
  release: z.object({ shop: shopField, webhookIds: z.array(z.string()).optional() }),
  redeliver: z.object({ shop: shopField, webhookId: z.string().min(1) }),
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
}

function validated<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return result.data;
}

/** `/shops/<shop>/admin/...` → shop and `/admin/...`; otherwise the shop comes from the seam's header. */
function resolveShop(req: IncomingMessage, url: URL): { shop: string | undefined; path: string } {
  const prefixed = /^\/shops\/([^/]+)(\/.*)$/.exec(url.pathname);
  if (prefixed) return { shop: decodeURIComponent(prefixed[1]), path: prefixed[2] };
  const header = req.headers[SIMULATOR_SHOP_HEADER.toLowerCase()];
  const shop = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("shop") ?? undefined;
  return { shop, path: url.pathname };
}

export async function startShopifySimulator(options: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const state = new SimState(options.shops ?? demoTenants.map((w) => w.shopDomain));
  const oauth = new SimOAuth({ apiKey: options.apiKey, apiSecret: options.apiSecret });
  const appTopics = options.appSubscriptionTopics ?? appSubscriptionTopics();
  const log: RequestLogEntry[] = [];
  const settings = { latencyMs: options.latencyMs ?? 0 };

  function acceptFixedTokens(): void {
    for (const [shop, token] of Object.entries(options.tokens ?? {})) state.shop(shop).acceptAccessToken(token);
  }
  acceptFixedTokens();

  function record(entry: Omit<RequestLogEntry, "at">): void {
    log.push({ ...entry, at: Date.now() });
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
  }

  function knownShop(domain: string | undefined): SimShop {
    const shop = domain ? state.shops.get(domain) : undefined;
    if (!shop) throw new HttpError(404, `Not Found: no simulated shop ${domain ?? "(none named)"}`);
    return shop;
  }

  async function deliverOrderCreated(shop: SimShop, payload: SimOrderPayload, duplicates = 1, appUrl = options.appUrl): Promise<DeliveryResult[]> {
    if (!appUrl) throw new HttpError(400, "no appUrl to deliver the webhook to: start the simulator with appUrl or pass one");
    const ids = { webhookId: randomUUID(), eventId: randomUUID(), triggeredAt: new Date().toISOString() };
    const secret = shop.settings.webhookSecret ?? options.apiSecret;
    return Promise.all(
      Array.from({ length: duplicates }, () => deliverWebhook({ appUrl, shop: shop.domain, topic: "orders/create", payload, secret, ...ids })),
    );
  }

  async function deliverLifecycle(domain: string, topic: LifecycleTopic, appUrl = options.appUrl): Promise<DeliveryResult> {
    if (!appUrl) throw new HttpError(400, "no appUrl to deliver the webhook to: start the simulator with appUrl or pass one");
    const shop = knownShop(domain);
    const secret = shop.settings.webhookSecret ?? options.apiSecret;
    return deliverWebhook({ appUrl, shop: shop.domain, topic, payload: lifecyclePayload(shop, topic), secret });
  }

  const secretOf = (domain: string) => state.shop(domain).settings.webhookSecret ?? options.apiSecret;
  const outbox = new WebhookOutbox(secretOf);
  const dispatch = (shop: SimShop, webhooks: OrderWebhook[]) =>
    outbox.dispatch(shop.domain, webhooks, (topic) => simulator.subscriptionsFor(shop.domain, topic).map((route) => route.uri));

  /** The order by GID, or by name: exactly as given, else as the shop writes its names ("1001" → "#1001"). */
  function findOrder(shop: SimShop, ref: string | OrderRef): SimOrder {
    const wanted = typeof ref === "string" ? { gid: ref } : ref;
    if ("gid" in wanted) {
      const order = shop.orders.get(wanted.gid);
      if (!order) throw new HttpError(404, `no order ${wanted.gid} in ${shop.domain}`);
      return order;
    }
    const names = [wanted.name, `${shop.settings.namePrefix}${wanted.name}${shop.settings.nameSuffix}`];
    const order = [...shop.orders.values()].find((o) => names.includes(o.payload.name));
    if (order) return order;
    const known = [...shop.orders.values()].map((o) => o.payload.name);
    const listed = known.length ? `its orders: ${known.slice(-10).join(", ")}${known.length > 10 ? " (the last 10)" : ""}` : "it has no orders";
    throw new HttpError(404, `no order named ${wanted.name} in ${shop.domain}; ${listed}`);
  }

  /** Applies a change to an order (at once) and sends the webhooks it makes. */
  async function changeOrder(domain: string, ref: string | OrderRef, change: (order: SimOrder, shop: SimShop) => OrderWebhook[]): Promise<ChangedOrder> {
    const shop = knownShop(domain);
    const order = findOrder(shop, ref);
    const deliveries = await dispatch(shop, change(order, shop));
    return { gid: order.payload.admin_graphql_api_id, name: order.payload.name, updatedAt: order.payload.updated_at, deliveries };
  }

  async function createOrder(input: CreateOrderInput): Promise<CreatedOrder> {
    const shop = state.shop(input.shop);
    const orderNumber = input.orderNumber ?? shop.nextOrderNumber();
    shop.noteOrderNumber(orderNumber);
    const lines = input.lines ?? [{ sku: catalogProductsFor(shop.domain)[0].sku, qty: 2 }];
    const payload = buildOrderPayload({
      ...input,
      lines,
      orderNumber,
      name: input.name ?? `${shop.settings.namePrefix}${orderNumber}${shop.settings.nameSuffix}`,
    });
    shop.addOrder(payload);
    const deliveries = input.deliver ? await deliverOrderCreated(shop, payload, input.duplicates, input.appUrl) : [];
    return { gid: payload.admin_graphql_api_id, name: payload.name, payload, deliveries };
  }

  function issueExpiringToken(domain: string) {
    const shop = state.shop(domain);
    return { accessToken: shop.issueAccessToken(ACCESS_TOKEN_TTL_SECONDS), refreshToken: shop.issueRefreshToken(), expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, shopDomain: string | undefined): Promise<void> {
    const shop = knownShop(shopDomain);
    const body = parseJson(await readBody(req)) as { query?: unknown; variables?: Variables };
    if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
    const query = typeof body.query === "string" ? body.query : "";
    const operationName = operationNameOf(query) ?? "(anonymous)";
    const token = req.headers["x-shopify-access-token"];
    if (!shop.tokenIsValid(Array.isArray(token) ? token[0] : token)) {
      record({ shop: shop.domain, operation: operationName, status: 401, outcome: "unauthorized" });
      return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const variables = body.variables ?? {};
    let operation;
    let requested;
    try {
      operation = findOperation(operationName);
      requested = operation.requestedCost(variables);
    } catch (error) {
      if (!(error instanceof GraphqlRequestError)) throw error;
      record({ shop: shop.domain, operation: operationName, status: 200, outcome: "error" });
      return send(res, 200, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
    const throttled = (status: number) => {
      record({ shop: shop.domain, operation: operationName, status, outcome: "throttled" });
      send(res, status, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: shop.bucket.status() } },
      });
    };
    const fault = shop.takeFault(operationName);
    if (fault?.kind === "THROTTLED") {
      // A burst elsewhere emptied the bucket: it holds one second's restore less than this query needs.
      shop.bucket.drainTo(requested - shop.bucket.restoreRate);
      return throttled(fault.status ?? 200);
    }
    if (fault?.kind === "HTTP") {
      record({ shop: shop.domain, operation: operationName, status: fault.status, outcome: "fault" });
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
      const message = fault.status === 429 ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." : "Internal Server Error";
      return send(res, fault.status, { errors: message }, headers);
    }
    if (requested > shop.bucket.status().maximumAvailable) {
      record({ shop: shop.domain, operation: operationName, status: 200, outcome: "error" });
      return send(res, 200, { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${shop.bucket.status().maximumAvailable}).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested } }] });
    }
    if (!shop.bucket.tryCharge(requested)) return throttled(200);
    try {
      const result = operation.run(shop, variables);
      // Shopify answers the mutation and sends its webhooks afterwards, on its own time.
      if (result.webhooks) void dispatch(shop, result.webhooks);
      shop.bucket.refund(requested - result.actualCost);
      record({ shop: shop.domain, operation: operationName, status: 200, outcome: "ok" });
      send(res, 200, {
        data: result.data,
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: result.actualCost, throttleStatus: shop.bucket.status() } },
      });
    } catch (error) {
      shop.bucket.refund(requested);
      if (!(error instanceof GraphqlRequestError)) throw error;
      record({ shop: shop.domain, operation: operationName, status: 200, outcome: "error" });
      send(res, 200, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
  }

  async function handleAccessToken(req: IncomingMessage, res: ServerResponse, shopDomain: string | undefined): Promise<void> {
    const raw = await readBody(req);
    const isForm = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
    const body = isForm ? Object.fromEntries(new URLSearchParams(raw)) : (parseJson(raw) as Record<string, unknown>);
    const reply = oauth.accessToken(knownShop(shopDomain), body);
    send(res, reply.status, reply.json);
  }

  function stateOf(domain: string | null) {
    const shops = domain ? [knownShop(domain)] : [...state.shops.values()];
    return {
      shops: shops.map((shop) => ({
        shop: shop.domain,
        throttleStatus: shop.bucket.status(),
        pendingFaults: shop.faults,
        subscriptions: shop.subscriptions,
        appSubscriptionTopics: shop.oauthInstalled ? appTopics : [],
        variantCount: shop.variants.length,
        orders: [...shop.orders.values()].map((o) => ({ gid: o.payload.admin_graphql_api_id, name: o.payload.name, createdAt: o.payload.created_at, tags: o.tags })),
      })),
    };
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname.replace(/^\/__sim/, "")}`;
    const body = () => readBody(req).then(parseJson);
    switch (route) {
      case "POST /orders": {
        const created = await createOrder(validated(control.order, await body()));
        return send(res, 201, created);
      }
      case "POST /orders/cancel": {
        const input = validated(control.cancel, await body());
        return send(res, 200, await simulator.cancelOrder(input.shop, refOf(input), { reason: input.reason }));
      }
      case "POST /orders/refund": {
        const { lines, amount, note, ...input } = validated(control.refund, await body());
        return send(res, 200, await simulator.refundOrder(input.shop, refOf(input), { lines, amount, note }));
      }
      case "POST /orders/edit": {
        const input = validated(control.edit, await body());
        return send(res, 200, await simulator.editOrder(input.shop, refOf(input), input.lines));
      }
      case "POST /subscriptions": {
        const input = validated(control.subscribe, await body());
        simulator.subscribe(input.shop, input.topics, input.uri);
        return send(res, 200, { subscriptions: knownShop(input.shop).subscriptions });
      }
      case "GET /deliveries":
        return send(res, 200, { deliveries: simulator.deliveries(url.searchParams.get("shop") ?? undefined) });
      case "POST /deliveries/hold": {
        const input = validated(control.hold, await body());
        simulator.holdDeliveries(input.shop, input.hold);
        return send(res, 204);
      }
      case "POST /deliveries/release": {
        const input = validated(control.release, await body());
        return send(res, 200, { deliveries: await simulator.releaseDeliveries(input.shop, input.webhookIds) });
      }
      case "POST /deliveries/redeliver": {
        const input = validated(control.redeliver, await body());
        return send(res, 200, await simulator.redeliver(input.shop, input.webhookId));
      }
      case "GET /options":
        return send(res, 200, settings);
      case "POST /options": {
        simulator.setLatency(validated(control.options, await body()).latencyMs);
        return send(res, 200, settings);
      }
      case "POST /reset":
        simulator.reset();
        return send(res, 204);
      case "POST /faults": {
        const input = validated(control.faults, await body());
        simulator.injectFaults(input.shop, input.faults);
        return send(res, 204);
      }
      case "DELETE /faults": {
        const input = validated(control.shopOnly, { shop: url.searchParams.get("shop") });
        knownShop(input.shop).faults.length = 0;
        return send(res, 204);
      }
      case "GET /state":
        return send(res, 200, stateOf(url.searchParams.get("shop")));
      case "GET /metafields": {
        const input = validated(control.metafields, { shop: url.searchParams.get("shop"), gid: url.searchParams.get("gid") });
        return send(res, 200, simulator.metafieldsOf(input.shop, input.gid));
      }
      case "GET /requests":
        return send(res, 200, { requests: simulator.requests(url.searchParams.get("shop") ?? undefined) });
      case "POST /variants": {
        const input = validated(control.variants, await body());
        simulator.seedVariants(input.shop, input.count);
        return send(res, 200, { variantCount: state.shop(input.shop).variants.length });
      }
      case "POST /bucket": {
        const input = validated(control.bucket, await body());
        simulator.configureShop(input.shop, { bucket: { maximumAvailable: input.maximumAvailable, restoreRate: input.restoreRate } });
        return send(res, 200, { throttleStatus: state.shop(input.shop).bucket.status() });
      }
      case "POST /shops": {
        const { shop, ...settings } = validated(control.shop, await body());
        simulator.configureShop(shop, settings);
        return send(res, 200, { shop, settings: state.shop(shop).settings });
      }
      case "POST /tokens": {
        const input = validated(control.token, await body());
        return send(res, 201, input.expiring ? issueExpiringToken(input.shop) : { accessToken: simulator.issueToken(input.shop) });
      }
      case "POST /lifecycle": {
        const input = validated(control.lifecycle, await body());
        return send(res, 200, await deliverLifecycle(input.shop, input.topic, input.appUrl));
      }
      case "POST /uninstall": {
        const input = validated(control.uninstall, await body());
        return send(res, 200, await simulator.uninstallApp(input.shop, { appUrl: input.appUrl }));
      }
      case "GET /launch": {
        // Open this in a browser to open the app "from the Shopify admin" of a simulated shop.
        const shop = validated(control.shopOnly, { shop: url.searchParams.get("shop") }).shop;
        return send(res, 302, undefined, { Location: simulator.launchUrl(shop) });
      }
      case "POST /tokens/revoke": {
        simulator.revokeTokens(validated(control.shopOnly, await body()).shop);
        return send(res, 204);
      }
      default:
        throw new HttpError(404, `no control endpoint ${route}`);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator.local");
    if (url.pathname.startsWith("/__sim/")) return handleControl(req, res, url);
    const { shop, path } = resolveShop(req, url);
    if (req.method === "POST" && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(path)) return handleGraphql(req, res, shop);
    if (req.method === "GET" && path === "/admin/oauth/authorize") {
      const reply = oauth.authorize(state.shop(validated(shopField, shop)), url.searchParams);
      return reply.location ? send(res, 302, undefined, { Location: reply.location }) : send(res, reply.status, reply.json);
    }
    if (req.method === "POST" && path === "/admin/oauth/access_token") return handleAccessToken(req, res, shop);
    throw new HttpError(404, `Not Found: ${req.method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) return send(res, error.status, { errors: error.message });
      if (error instanceof OrderInputError) return send(res, 400, { errors: error.message });
      if (error instanceof UnknownDeliveryError) return send(res, 404, { errors: error.message });
      send(res, 500, { errors: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;

  const simulator: ShopifySimulator = {
    url: `http://${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    issueToken: (shop) => state.shop(shop).issueAccessToken(),
    issueExpiringToken,
    revokeTokens: (shop) => knownShop(shop).revokeTokens(),
    shopId: (shop) => state.shop(shop).id,
    lifecyclePayload: (shop, topic) => lifecyclePayload(state.shop(shop), topic),
    deliverLifecycle: (shop, topic, opts = {}) => deliverLifecycle(shop, topic, opts.appUrl),
    uninstallApp: (shop, opts = {}) => {
      knownShop(shop).revokeTokens();
      knownShop(shop).oauthInstalled = false;
      return deliverLifecycle(shop, "app/uninstalled", opts.appUrl);
    },
    createOrder,
    deliverOrderCreated: async (domain, gid, opts = {}) => {
      const shop = knownShop(domain);
      const order = shop.orders.get(gid);
      if (!order) throw new HttpError(404, `no order ${gid} in ${domain}`);
      return deliverOrderCreated(shop, order.payload, opts.duplicates, opts.appUrl);
    },
    cancelOrder: (shop, ref, opts = {}) => changeOrder(shop, ref, (order) => cancelOrder(order, opts.reason)),
    refundOrder: (shop, ref, input) => changeOrder(shop, ref, (order) => refundOrder(order, input).webhooks),
    editOrder: (shop, ref, lines) => changeOrder(shop, ref, (order, { domain }) => editOrder(order, domain, lines)),
    subscribe: (domain, topics, uri = options.appUrl && `${options.appUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`) => {
      if (!uri) throw new HttpError(400, "no address to subscribe: start the simulator with appUrl or pass a uri");
      const shop = knownShop(domain);
      for (const topic of topics) {
        const wanted = topic.toUpperCase().replace(/\//g, "_");
        if (shop.subscriptions.some((s) => s.topic === wanted && s.uri === uri)) continue;
        shop.subscribe(wanted, uri);
      }
    },
    deliveries: (shop) => outbox.list(shop),
    holdDeliveries: (shop, hold) => outbox.hold(knownShop(shop).domain, hold),
    releaseDeliveries: (shop, webhookIds) => outbox.release(knownShop(shop).domain, webhookIds),
    redeliver: (shop, webhookId) => outbox.redeliver(knownShop(shop).domain, webhookId),
    idle: () => outbox.idle(),
    tagsOf: (shop, gid) => [...(knownShop(shop).orders.get(gid)?.tags ?? [])],
    metafieldsOf: (shop, gid) => ({ metafields: [...(knownShop(shop).metafields.get(gid) ?? [])], definitions: [...knownShop(shop).metafieldDefinitions] }),
    orders: (shop) => [...knownShop(shop).orders.values()].map((o) => o.payload),
    seedVariants: (shop, count) => state.shop(shop).seedVariants(count),
    configureShop: (shop, settings) => state.shop(shop).configure(settings),
    injectFaults: (shop, faults) => knownShop(shop).faults.push(...faults),
    requests: (shop) => (shop ? log.filter((entry) => entry.shop === shop) : [...log]),
    launchUrl: (shop, opts = {}) => {
      const appUrl = opts.appUrl ?? options.appUrl;
      if (!appUrl) throw new HttpError(400, "no appUrl to open: start the simulator with appUrl or pass one");
      return launchUrl(appUrl, state.shop(shop).domain, options.apiSecret, opts.timestamp);
    },
    subscriptionsFor: (domain, topic) => {
      const shop = knownShop(domain);
      const wanted = topic.toUpperCase().replace(/\//g, "_");
      const appWide: SubscriptionRoute[] =
        shop.oauthInstalled && appTopics.includes(topic) && options.appUrl ? [{ kind: "app", uri: `${options.appUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}` }] : [];
      return [...appWide, ...shop.subscriptions.filter((s) => s.topic === wanted).map((s) => ({ kind: "shop" as const, uri: s.uri }))];
    },
    setLatency: (ms) => {
      settings.latencyMs = ms;
    },
    reset: () => {
      state.reset();
      outbox.clear();
      log.length = 0;
      acceptFixedTokens();
    },
  };
  return simulator;
}
