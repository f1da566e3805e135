// Everything the simulator knows about one shop: its orders (stored as the REST payloads it sent), their tags and
// metafields, variants, webhook subscriptions, metafield definitions, access tokens, cost bucket and queued faults.
import { createHash, randomBytes } from "node:crypto";
import { CostBucket, STANDARD_BUCKET, type BucketConfig } from "@/simulators/shopify/cost-bucket";
import { nextShopifyId, type SimOrderPayload, type SimRefund } from "@/simulators/shopify/order-payload";
import { catalogVariantsFor, generatedVariants, type SimVariant } from "@/simulators/shopify/shop-catalog";

export interface SimOrder {
  payload: SimOrderPayload;
  tags: string[];
  /** the order's refunds (its orders/create payload has none yet) */
  refunds: SimRefund[];
}

export interface SimWebhookSubscription {
  id: string;
  topic: string;
  uri: string;
  format: "JSON";
  createdAt: string;
}

/** A metafield as stored, its namespace resolved (`$app:vintrace` is kept as `app--<app id>--vintrace`, as Shopify does). */
export interface SimMetafield {
  id: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimMetafieldDefinition {
  id: string;
  name: string;
  namespace: string;
  key: string;
  ownerType: string;
  type: string;
  /** its place among the owner type's pinned definitions (shown on the resource's admin page), or null */
  pinnedPosition: number | null;
}

/** A failure to answer with instead of the real reply, `count` times, optionally only for one operation. */
export type SimFault =
  | { kind: "THROTTLED"; status?: 200 | 429; count?: number; operation?: string }
  | { kind: "HTTP"; status: number; retryAfter?: number; count?: number; operation?: string };

export interface ShopSettings {
  bucket: BucketConfig;
  /** a shop connected with a manual token signs webhooks with its own secret */
  webhookSecret?: string;
  /** false: order topics are refused as protected customer data */
  pcdApproved: boolean;
  /** the shop's order name format, e.g. "#" + number, or "HT-" + number + "-W" */
  namePrefix: string;
  nameSuffix: string;
  /** the shop owner's address (Admin API `shop { email }`) */
  email: string;
}

interface AccessToken {
  expiresAt?: number;
}

interface RefreshToken {
  /** the token this one replaced; it dies once this one is used */
  predecessor?: string;
  revoked: boolean;
}

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** A shop's numeric id, derived from its domain so that it stays the same across restarts and resets. */
export function simShopId(domain: string): number {
  return 10_000_000_000 + (Number.parseInt(createHash("sha256").update(domain).digest("hex").slice(0, 10), 16) % 90_000_000_000);
}
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

export class SimShop {
  readonly orders = new Map<string, SimOrder>();
  variants: SimVariant[];
  readonly subscriptions: SimWebhookSubscription[] = [];
  /** metafields by their owner's GID (an order's) */
  readonly metafields = new Map<string, SimMetafield[]>();
  readonly metafieldDefinitions: SimMetafieldDefinition[] = [];
  readonly faults: SimFault[] = [];
  readonly bucket: CostBucket;
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private lastOrderNumber = 1000;
  settings: ShopSettings;
  /** what the last install granted; a refresh keeps it */
  grantedScope = "read_orders,write_orders,read_products";
  /**
   * Installed through OAuth: the app-wide subscriptions of shopify.app.toml deliver to this shop (Shopify applies them
   * to every shop the app is installed on, and its Admin API does not list them). A shop connected by a custom app's
   * token is not an install of this app, so only its own subscriptions deliver.
   */
  oauthInstalled = false;

  readonly id: number;

  constructor(readonly domain: string) {
    this.id = simShopId(domain);
    this.settings = { bucket: STANDARD_BUCKET, pcdApproved: true, namePrefix: "#", nameSuffix: "", email: `owner@${domain}` };
    this.bucket = new CostBucket(this.settings.bucket);
    this.variants = catalogVariantsFor(domain);
  }

  configure(settings: Partial<ShopSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (settings.bucket) this.bucket.configure(this.settings.bucket);
  }

  nextOrderNumber(): number {
    return ++this.lastOrderNumber;
  }

  /** Keeps numbering ahead of orders created with an explicit number or name. */
  noteOrderNumber(orderNumber: number): void {
    this.lastOrderNumber = Math.max(this.lastOrderNumber, orderNumber);
  }

  addOrder(payload: SimOrderPayload): SimOrder {
    const order = { payload, tags: payload.tags ? payload.tags.split(",").map((t) => t.trim()).filter(Boolean) : [], refunds: [] };
    this.orders.set(payload.admin_graphql_api_id, order);
    return order;
  }

  /** A shop-specific subscription; `topic` as GraphQL writes it (ORDERS_UPDATED). */
  subscribe(topic: string, uri: string): SimWebhookSubscription {
    const subscription = { id: `gid://shopify/WebhookSubscription/${nextShopifyId()}`, topic, uri, format: "JSON" as const, createdAt: new Date().toISOString() };
    this.subscriptions.push(subscription);
    return subscription;
  }

  seedVariants(count: number): void {
    this.variants = [...this.variants, ...generatedVariants(this.domain, count, this.variants.length)];
  }

  issueAccessToken(ttlSeconds?: number): string {
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    this.accessTokens.set(token, { expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : undefined });
    return token;
  }

  /** Accepts a token chosen by the caller, e.g. a fixed demo token. */
  acceptAccessToken(token: string): void {
    this.accessTokens.set(token, {});
  }

  issueRefreshToken(predecessor?: string): string {
    const token = `shprt_${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(token, { predecessor, revoked: false });
    return token;
  }

  /** Rotates a refresh token: the old one stays usable until its successor is first used. */
  useRefreshToken(token: string): boolean {
    const record = this.refreshTokens.get(token);
    if (!record || record.revoked) return false;
    if (record.predecessor) {
      const previous = this.refreshTokens.get(record.predecessor);
      if (previous) previous.revoked = true;
    }
    return true;
  }

  tokenIsValid(token: string | undefined): boolean {
    const record = token ? this.accessTokens.get(token) : undefined;
    return Boolean(record && (record.expiresAt === undefined || record.expiresAt > Date.now()));
  }

  revokeTokens(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** The next queued fault that applies to `operation`, consumed. */
  takeFault(operation: string): SimFault | undefined {
    const index = this.faults.findIndex((f) => !f.operation || f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.faults[index];
    const remaining = (fault.count ?? 1) - 1;
    if (remaining > 0) this.faults[index] = { ...fault, count: remaining };
    else this.faults.splice(index, 1);
    return fault;
  }
}

export class SimState {
  readonly shops = new Map<string, SimShop>();

  constructor(private readonly initialShops: string[]) {
    this.reset();
  }

  reset(): void {
    this.shops.clear();
    for (const domain of this.initialShops) this.shops.set(domain, new SimShop(domain));
  }

  /** A shop, created on first mention (the benchmark's shops are not in the demo catalog). */
  shop(domain: string): SimShop {
    let shop = this.shops.get(domain);
    if (!shop) {
      shop = new SimShop(domain);
      this.shops.set(domain, shop);
    }
    return shop;
  }
}
