// Runs one Admin GraphQL operation with per-shop pacing and our own retry loop. The library retries only HTTP 429/503
// with a fixed 1 s wait and throws THROTTLED as a GraphqlQueryError, so the library's retries are turned off and every
// failure is classified here into a ShopifyAdminError.
import "server-only";
import {
  GraphqlQueryError,
  HttpInternalError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
} from "@shopify/shopify-api";
import { logger } from "@/server/observability/log";
import { metrics } from "@/server/observability/metrics";
import { ShopifyAdminError, type ShopifyAdminErrorKind } from "@/server/shopify/admin-error";
import { sleep, type ShopPacer, type ThrottleStatus } from "@/server/shopify/shop-pacer";

/** The part of `shopify.clients.Graphql` this module uses. */
export interface GraphqlTransport {
  request(
    operation: string,
    options: { variables?: Record<string, unknown>; retries?: number; signal?: AbortSignal },
  ): Promise<{ data?: unknown; extensions?: unknown }>;
}

export interface RetryPolicy {
  /** tries in all, the first one included */
  maxAttempts: number;
  /** first backoff for 5xx and network errors; doubles each time */
  baseDelayMs: number;
  maxDelayMs: number;
  /** random extra wait added to every backoff, so that retries from many workers spread out */
  jitterMs: number;
  /** per request */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, jitterMs: 250, timeoutMs: 30_000 };

export interface AdminRequestContext {
  shop: string;
  client: GraphqlTransport;
  pacer: ShopPacer;
  retry: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

interface QueryCost {
  requestedQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

interface Failure {
  kind: ShopifyAdminErrorKind;
  message: string;
  status?: number;
  cost?: QueryCost;
  /** the wait the server asked for (Retry-After, or the bucket arithmetic for THROTTLED) */
  waitMs?: number;
}

export async function requestAdmin<T>(
  ctx: AdminRequestContext,
  operation: string,
  document: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const wait = ctx.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    await ctx.pacer.acquire(ctx.shop, operation);
    const started = performance.now();
    const observe = (outcome: string) => {
      const seconds = (performance.now() - started) / 1000;
      metrics().shopifyRequestSeconds.observe({ operation, outcome }, seconds);
      logger().debug({ shop: ctx.shop, operation, outcome, attempt, ms: Math.round(seconds * 1000) }, "shopify call");
    };
    try {
      const response = await ctx.client.request(document, {
        variables,
        retries: 0,
        signal: AbortSignal.timeout(ctx.retry.timeoutMs),
      });
      observe("ok");
      ctx.pacer.record(ctx.shop, operation, costOf(response.extensions) ?? {});
      return response.data as T;
    } catch (error) {
      const failure = await classify(error, ctx.shop).catch((unexpected: unknown) => {
        observe("error");
        throw unexpected;
      });
      observe(failure.kind);
      if (failure.cost) ctx.pacer.record(ctx.shop, operation, failure.cost);
      const retryable = failure.kind === "THROTTLED" || failure.kind === "TRANSIENT";
      if (!retryable || attempt >= ctx.retry.maxAttempts) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
        throw new ShopifyAdminError({ kind: failure.kind, message: `${operation}: ${failure.message}${tries}`, status: failure.status, cause: error });
      }
      await wait(retryDelay(failure, attempt, ctx.retry));
    }
  }
}

function retryDelay(failure: Failure, attempt: number, policy: RetryPolicy): number {
  const jitter = Math.random() * policy.jitterMs;
  if (failure.waitMs !== undefined) return failure.waitMs + jitter;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) + jitter;
}

/** Shopify's rule: wait until the bucket has restored enough to pay the requested cost. */
function throttledWaitMs(cost: QueryCost | undefined): number | undefined {
  const status = cost?.throttleStatus;
  if (!status || typeof cost?.requestedQueryCost !== "number" || status.restoreRate <= 0) return undefined;
  const missing = Math.max(0, cost.requestedQueryCost - status.currentlyAvailable);
  return Math.max(1, Math.ceil(missing / status.restoreRate)) * 1000;
}

async function classify(error: unknown, shop: string): Promise<Failure> {
  if (error instanceof GraphqlQueryError) return classifyGraphqlErrors(error.body);
  if (error instanceof HttpThrottlingError) {
    // A THROTTLED body can come with HTTP 429; its bucket figures beat a bare Retry-After.
    const body = await unreadBodyOf(error);
    const throttled = body ? classifyGraphqlErrors(body) : undefined;
    const retryAfter = error.response.retryAfter;
    return {
      kind: "THROTTLED",
      status: 429,
      message: "Shopify is rate limiting this shop (HTTP 429)",
      cost: throttled?.cost,
      waitMs: throttled?.waitMs ?? (retryAfter !== undefined && Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined),
    };
  }
  if (error instanceof HttpInternalError) {
    return { kind: "TRANSIENT", status: error.response.code, message: `Shopify answered HTTP ${error.response.code}` };
  }
  if (error instanceof HttpResponseError) return classifyHttpStatus(error.response.code, shop);
  if (error instanceof HttpRequestError) return { kind: "TRANSIENT", message: `could not reach Shopify: ${error.message}` };
  throw error;
}

function classifyHttpStatus(status: number, shop: string): Failure {
  if (status === 401) {
    return { kind: "AUTH", status, message: `Shopify refused the access token for ${shop} (HTTP 401): the app was uninstalled or the token was revoked or has expired` };
  }
  if (status === 403) return { kind: "AUTH", status, message: `the app lacks a required access scope on ${shop} (HTTP 403)` };
  if (status === 402 || status === 423) return { kind: "AUTH", status, message: `${shop} is frozen or locked (HTTP ${status})` };
  if (status === 404) return { kind: "NOT_FOUND", status, message: `Shopify does not know the shop ${shop} (HTTP 404)` };
  return { kind: "USER_ERROR", status, message: `Shopify refused the request (HTTP ${status})` };
}

interface GraphqlErrorBody {
  errors?: { graphQLErrors?: { message?: string; extensions?: { code?: string } }[] };
  extensions?: unknown;
}

function classifyGraphqlErrors(body: unknown): Failure {
  const parsed = (body ?? {}) as GraphqlErrorBody;
  const errors = parsed.errors?.graphQLErrors ?? [];
  const codes = errors.map((e) => e.extensions?.code);
  const message = errors.map((e) => e.message).filter(Boolean).join("; ") || "GraphQL error";
  const cost = costOf(parsed.extensions);
  if (codes.includes("THROTTLED")) return { kind: "THROTTLED", message: "Shopify throttled the query (THROTTLED)", cost, waitMs: throttledWaitMs(cost) };
  if (codes.includes("ACCESS_DENIED")) return { kind: "AUTH", message, cost };
  if (codes.includes("INTERNAL_SERVER_ERROR")) return { kind: "TRANSIENT", message, cost };
  return { kind: "USER_ERROR", message, cost };
}

function costOf(extensions: unknown): QueryCost | undefined {
  const cost = (extensions as { cost?: QueryCost } | undefined)?.cost;
  return cost && typeof cost === "object" ? cost : undefined;
}

/** The JSON body of a non-2xx reply, which the GraphQL client leaves unread. */
async function unreadBodyOf(error: HttpThrottlingError): Promise<GraphqlErrorBody | undefined> {
  const raw = (error.response.body as { errors?: { response?: unknown } } | undefined)?.errors?.response;
  if (!(raw instanceof Response) || raw.bodyUsed) return undefined;
  try {
    const json = (await raw.json()) as { errors?: unknown; extensions?: unknown };
    return Array.isArray(json.errors) ? { errors: { graphQLErrors: json.errors }, extensions: json.extensions } : undefined;
  } catch {
    return undefined;
  }
}
