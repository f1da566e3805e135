// Webhook deliveries as Shopify makes them: the raw JSON body signed with base64 HMAC-SHA256 under the app secret, and
// every header v15's validate() requires.
import { createHmac, randomUUID } from "node:crypto";

export const WEBHOOK_API_VERSION = "2026-10";
export const WEBHOOK_PATH = "/api/webhooks/shopify";
/** Shopify gives up on a delivery after 5 s. */
const DELIVERY_TIMEOUT_MS = 5000;

export interface WebhookRequestInput {
  shop: string;
  topic: string;
  /** an object is serialised once; a string is sent byte for byte */
  payload: unknown;
  secret: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
}

export interface SignedWebhookRequest {
  body: string;
  headers: Record<string, string>;
  webhookId: string;
  eventId: string;
}

/**
 * Shopify's bodies come from Rails, which escapes <, > and & as \u003c, \u003e and \u0026. So a body that was
 * parsed and re-serialised differs from the one signed, as it would with real deliveries.
 */
export function shopifyJson(payload: unknown): string {
  return JSON.stringify(payload).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function signedWebhookRequest(input: WebhookRequestInput): SignedWebhookRequest {
  const body = typeof input.payload === "string" ? input.payload : shopifyJson(input.payload);
  const webhookId = input.webhookId ?? randomUUID();
  const eventId = input.eventId ?? randomUUID();
  return {
    body,
    webhookId,
    eventId,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Hmac-Sha256": webhookHmac(body, input.secret),
      "X-Shopify-Topic": input.topic,
      "X-Shopify-Shop-Domain": input.shop,
      "X-Shopify-API-Version": input.apiVersion ?? WEBHOOK_API_VERSION,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": input.triggeredAt ?? new Date().toISOString(),
    },
  };
}

export interface DeliveryResult {
  /** HTTP status, or 0 when the app could not be reached or took longer than 5 s */
  status: number;
  webhookId: string;
  eventId: string;
  error?: string;
}

export function deliverWebhook(input: WebhookRequestInput & { appUrl: string }): Promise<DeliveryResult> {
  return deliverWebhookTo(`${input.appUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`, input);
}

/** POSTs the signed delivery to a full address, such as a webhook subscription's uri. */
export async function deliverWebhookTo(url: string, input: WebhookRequestInput): Promise<DeliveryResult> {
  const request = signedWebhookRequest(input);
  try {
    const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    await response.arrayBuffer();
    return { status: response.status, webhookId: request.webhookId, eventId: request.eventId };
  } catch (error) {
    return { status: 0, webhookId: request.webhookId, eventId: request.eventId, error: error instanceof Error ? error.message : String(error) };
  }
}
