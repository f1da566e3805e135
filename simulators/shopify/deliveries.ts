// The webhooks a change to an order makes Shopify send (orders/cancelled, orders/updated, orders/edited,
// refunds/create): each goes to the subscriptions of the shop that cover its topic when the change happens (none: not
// sent at all), with an event id of its own, signed like every delivery. They are kept, so a test can send one again
// (a duplicate: same webhook and event ids, as Shopify's retries are), or hold a shop's deliveries back and release
// them in any order (Shopify does not promise to deliver in order).
import { randomUUID } from "node:crypto";
import type { OrderWebhook } from "@/simulators/shopify/order-changes";
import { deliverWebhookTo, shopifyJson } from "@/simulators/shopify/webhook";

export interface DeliveryAttempt {
  uri: string;
  /** HTTP status, or 0 when the app could not be reached or took longer than 5 s */
  status: number;
  error?: string;
  at: string;
}

export interface SimDelivery {
  webhookId: string;
  eventId: string;
  shop: string;
  topic: string;
  triggeredAt: string;
  /** the JSON body, written when the change happened: a held delivery still tells of the order as it was then */
  body: string;
  /** the subscriptions' addresses when the change happened */
  uris: string[];
  /** held back: sent only when released */
  held: boolean;
  /** every send, in order: one per address, again for each redelivery */
  attempts: DeliveryAttempt[];
}

/** Enough for any test or demo; the oldest are forgotten first. */
const MAX_KEPT = 10_000;

export class WebhookOutbox {
  private readonly kept: SimDelivery[] = [];
  private readonly holding = new Set<string>();
  private readonly sending = new Set<Promise<unknown>>();

  constructor(private readonly secretOf: (shop: string) => string) {}

  /** Makes the deliveries of one change, one per subscribed topic, and sends them in turn unless the shop's are held. */
  dispatch(shop: string, webhooks: OrderWebhook[], urisOf: (topic: string) => string[]): Promise<SimDelivery[]> {
    const made = webhooks.flatMap(({ topic, payload }) => {
      const uris = urisOf(topic);
      if (!uris.length) return [];
      const triggeredAt = new Date().toISOString();
      return [{ webhookId: randomUUID(), eventId: randomUUID(), shop, topic, triggeredAt, body: shopifyJson(payload), uris, held: this.holding.has(shop), attempts: [] }];
    });
    this.kept.push(...made);
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
    return this.track(this.sendInTurn(made.filter((d) => !d.held)).then(() => made));
  }

  /** From now on the shop's deliveries wait for release (true), or go at once again (false). */
  hold(shop: string, on: boolean): void {
    if (on) this.holding.add(shop);
    else this.holding.delete(shop);
  }

  /** Sends the shop's held deliveries: those named, in the order named, or all of them in the order they were made. */
  release(shop: string, webhookIds?: string[]): Promise<SimDelivery[]> {
    const held = this.list(shop).filter((d) => d.held);
    const chosen = webhookIds ? webhookIds.map((id) => this.find(shop, id)).filter((d) => d.held) : held;
    for (const delivery of chosen) delivery.held = false;
    return this.track(this.sendInTurn(chosen).then(() => chosen));
  }

  /** Sends a delivery again with the same webhook and event ids. */
  redeliver(shop: string, webhookId: string): Promise<SimDelivery> {
    const delivery = this.find(shop, webhookId);
    delivery.held = false;
    return this.track(this.send(delivery).then(() => delivery));
  }

  list(shop?: string): SimDelivery[] {
    return shop ? this.kept.filter((d) => d.shop === shop) : [...this.kept];
  }

  /** Resolves once every send started so far has finished (a tag write's orders/updated goes in the background). */
  async idle(): Promise<void> {
    while (this.sending.size) await Promise.allSettled([...this.sending]);
  }

  clear(): void {
    this.kept.length = 0;
    this.holding.clear();
  }

  private find(shop: string, webhookId: string): SimDelivery {
    const delivery = this.kept.find((d) => d.shop === shop && d.webhookId === webhookId);
    if (!delivery) throw new UnknownDeliveryError(`no delivery ${webhookId} for ${shop}`);
    return delivery;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.sending.add(promise);
    void promise.finally(() => this.sending.delete(promise)).catch(() => {});
    return promise;
  }

  private async sendInTurn(deliveries: SimDelivery[]): Promise<void> {
    for (const delivery of deliveries) await this.send(delivery);
  }

  private async send(delivery: SimDelivery): Promise<void> {
    const { shop, topic, body, webhookId, eventId, triggeredAt } = delivery;
    for (const uri of delivery.uris) {
      const result = await deliverWebhookTo(uri, { shop, topic, payload: body, secret: this.secretOf(shop), webhookId, eventId, triggeredAt });
      delivery.attempts.push({ uri, status: result.status, ...(result.error ? { error: result.error } : {}), at: new Date().toISOString() });
    }
  }
}

export class UnknownDeliveryError extends Error {}
