import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulatedShopify, type SimulatedShopify } from "@/simulators/shopify/testing";
import { WEBHOOK_PATH } from "@/simulators/shopify/webhook";

const HILLTOP = "hilltop-estate.myshopify.com";
const CHANGE_TOPICS = ["orders/cancelled", "orders/updated", "orders/edited", "refunds/create"];

interface Received {
  topic: string;
  webhookId: string;
  eventId: string;
  valid: boolean;
  body: Record<string, unknown>;
}

describe("the Shopify simulator's changes to orders after they were placed", () => {
  let s: SimulatedShopify;
  let appUrl: string;
  const received: Received[] = [];
  const app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const headers = req.headers as Record<string, string>;
      const check = await s.shopify.webhooks.validate({ rawBody, rawRequest: new Request(`${appUrl}${WEBHOOK_PATH}`, { method: "POST", headers, body: rawBody }) });
      received.push({ topic: headers["x-shopify-topic"], webhookId: headers["x-shopify-webhook-id"], eventId: headers["x-shopify-event-id"], valid: check.valid, body: JSON.parse(rawBody) });
      res.writeHead(200).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    s = await startSimulatedShopify({ appUrl });
  });
  afterAll(async () => {
    await s.sim.close();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });
  beforeEach(() => {
    s.sim.reset();
    received.length = 0;
  });

  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${s.sim.url}/__sim${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, json: response.status === 204 ? null : ((await response.json()) as Record<string, unknown>) };
  };
  /** The order as placed (a copy: the simulator changes its own). */
  const placeOrder = async () => {
    const created = await s.sim.createOrder({ shop: HILLTOP, lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "22CHA750", qty: 1 }] });
    return { ...created, payload: structuredClone(created.payload) };
  };

  /** The received deliveries: every signature valid, and every one a delivery of its own. */
  function deliveredTopics(): string[] {
    expect(received.every((r) => r.valid)).toBe(true);
    expect(new Set(received.map((r) => r.eventId)).size).toBe(received.length);
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(received.length);
    return received.map((r) => r.topic);
  }

  it("cancels an order: orders/cancelled and orders/updated carry it cancelled, and the Admin API reads it so", async () => {
    s.sim.subscribe(HILLTOP, CHANGE_TOPICS);
    const order = await placeOrder();
    const cancelled = await control("/orders/cancel", { shop: HILLTOP, name: "1001", reason: "inventory" });
    expect(cancelled.status).toBe(200);
    expect(deliveredTopics()).toEqual(["orders/cancelled", "orders/updated"]);
    for (const { body } of received) {
      expect(body).toMatchObject({ admin_graphql_api_id: order.gid, cancel_reason: "inventory", cancelled_at: expect.any(String) });
      expect(Date.parse(body.updated_at as string)).toBeGreaterThan(Date.parse(order.payload.updated_at));
    }
    const read = await s.adminFor(HILLTOP).fetchOrderPayload(order.gid);
    expect(read).toMatchObject({ cancelled_at: received[0].body.cancelled_at, cancel_reason: "inventory", updated_at: received[0].body.updated_at });

    const again = await control("/orders/cancel", { shop: HILLTOP, gid: order.gid });
    expect(again).toEqual({ status: 400, json: { errors: "#1001 is already cancelled" } });
    const unknown = await control("/orders/cancel", { shop: HILLTOP, name: "#1009" });
    expect(unknown).toEqual({ status: 404, json: { errors: `no order named #1009 in ${HILLTOP}; its orders: #1001` } });
  });

  it("refunds the first line by default: refunds/create carries the Refund, and the order's current quantities drop", async () => {
    s.sim.subscribe(HILLTOP, CHANGE_TOPICS);
    const order = await placeOrder();
    const [shiraz, chardonnay] = order.payload.line_items;
    await s.sim.refundOrder(HILLTOP, order.gid, { note: "corked" });
    expect(deliveredTopics()).toEqual(["refunds/create", "orders/updated"]);
    const refund = received[0].body;
    // 2 × 35.00, tax included
    expect(refund).toMatchObject({
      order_id: order.payload.id,
      note: "corked",
      refund_line_items: [{ line_item_id: shiraz.id, quantity: 2, subtotal: "70.00", total_tax: "6.36", line_item: { sku: "21SHZ750" } }],
      transactions: [{ kind: "refund", status: "success", amount: "70.00", currency: "AUD" }],
      order_adjustments: [],
    });
    expect(received[1].body).toMatchObject({ financial_status: "partially_refunded", refunds: [{ id: refund.id }] });

    const read = await s.adminFor(HILLTOP).fetchOrderPayload(order.gid);
    expect(read?.line_items.map((l) => [l.sku, l.quantity, l.current_quantity])).toEqual([["21SHZ750", 2, 0], ["22CHA750", 1, 1]]);
    expect(read?.financial_status).toBe("partially_refunded");

    received.length = 0;
    await s.sim.refundOrder(HILLTOP, order.gid, { amount: "5.00" });
    expect(received[0].body).toMatchObject({ refund_line_items: [], transactions: [{ amount: "5.00" }], order_adjustments: [{ kind: "refund_discrepancy", amount: "-5.00" }] });
    await expect(s.sim.refundOrder(HILLTOP, order.gid, { lines: [{ sku: chardonnay.sku!, qty: 2 }] })).rejects.toThrow(/refund 1 to 1 of 22CHA750, not 2/);
    await expect(s.sim.refundOrder(HILLTOP, order.gid, { amount: "1000.00" })).rejects.toThrow(/at most/);
    const both = await control("/orders/refund", { shop: HILLTOP, gid: order.gid, amount: "1.00", lines: [{ sku: "22CHA750", qty: 1 }] });
    expect(both).toEqual({ status: 400, json: { errors: "refund either lines or an amount, not both" } });
  });

  it("edits an order: orders/edited names the lines added and removed, and the Admin API reads the new lines", async () => {
    s.sim.subscribe(HILLTOP, CHANGE_TOPICS);
    const order = await placeOrder();
    const [shiraz, chardonnay] = order.payload.line_items;
    const edited = await control("/orders/edit", { shop: HILLTOP, gid: order.gid, lines: [{ sku: "21SHZ750", qty: 1 }, { sku: "22CHA750", qty: 3 }, { sku: "TOTE-NAT", qty: 1 }] });
    expect(edited.status).toBe(200);
    expect(deliveredTopics()).toEqual(["orders/edited", "orders/updated"]);
    const read = await s.adminFor(HILLTOP).fetchOrderPayload(order.gid);
    const tote = read?.line_items.find((l) => l.sku === "TOTE-NAT");
    expect(received[0].body).toEqual({
      order_edit: expect.objectContaining({
        order_id: order.payload.id,
        line_items: { additions: [{ id: chardonnay.id, delta: 2 }, { id: Number(tote?.id), delta: 1 }], removals: [{ id: shiraz.id, delta: 1 }] },
      }),
    });
    // fewer units lower current_quantity only; more raise both
    expect(read?.line_items.map((l) => [l.sku, l.quantity, l.current_quantity])).toEqual([["21SHZ750", 2, 1], ["22CHA750", 3, 3], ["TOTE-NAT", 1, 1]]);
    expect(received[1].body).toMatchObject({ updated_at: read?.updated_at, line_items: [{ current_quantity: 1 }, { current_quantity: 3 }, { sku: "TOTE-NAT" }] });

    expect((await control("/orders/edit", { shop: HILLTOP, gid: order.gid, lines: [{ sku: "NOPE", qty: 1 }] })).json).toEqual({ errors: `SKU NOPE is not in ${HILLTOP}'s catalog; give it a price` });
    expect((await control("/orders/edit", { shop: HILLTOP, gid: order.gid, lines: [{ sku: "21SHZ750", qty: 1 }] })).json).toEqual({ errors: "the edit changes nothing in #1001" });
    expect(received).toHaveLength(2);
  });

  it("a tag write through the Admin API sends orders/updated that differs only in tags and updated_at", async () => {
    const admin = s.adminFor(HILLTOP);
    const order = await placeOrder();
    // subscribed the way the app subscribes a shop it reaches by token
    await admin.createWebhookSubscription("orders/updated", `${appUrl}${WEBHOOK_PATH}`);
    await admin.tagsAdd(order.gid, ["vintrace-order-created"]);
    await s.sim.idle();
    expect(deliveredTopics()).toEqual(["orders/updated"]);
    const { tags, updated_at: updatedAt, ...rest } = received[0].body;
    const { tags: _tags, updated_at: createdUpdatedAt, ...placed } = order.payload;
    expect(tags).toBe("vintrace-order-created");
    expect(Date.parse(updatedAt as string)).toBeGreaterThan(Date.parse(createdUpdatedAt));
    // Shopify's orders/create lists the order's refunds too; the simulator's leaves the empty list out
    expect(rest).toEqual({ ...placed, refunds: [] });

    // a tag the order already has changes nothing, so nothing is sent
    await admin.tagsAdd(order.gid, ["vintrace-order-created"]);
    await s.sim.idle();
    expect(received).toHaveLength(1);
  });

  it("sends only the topics the shop is subscribed to", async () => {
    const order = await placeOrder();
    const unsubscribed = await s.sim.cancelOrder(HILLTOP, order.gid);
    expect(unsubscribed.deliveries).toEqual([]);
    s.sim.subscribe(HILLTOP, ["orders/updated"]);
    const edit = await s.sim.editOrder(HILLTOP, order.gid, [{ sku: "21SHZ750", qty: 3 }]);
    expect(edit.deliveries.map((d) => d.topic)).toEqual(["orders/updated"]);
    expect(deliveredTopics()).toEqual(["orders/updated"]);
    expect(s.sim.deliveries(HILLTOP)).toHaveLength(1);
  });

  it("redelivers a delivery with the same ids, and releases held deliveries in the order asked", async () => {
    s.sim.subscribe(HILLTOP, CHANGE_TOPICS);
    const order = await placeOrder();
    expect((await control("/deliveries/hold", { shop: HILLTOP, hold: true })).status).toBe(204);
    const edit = await s.sim.editOrder(HILLTOP, order.gid, [{ sku: "21SHZ750", qty: 1 }]);
    const cancel = await s.sim.cancelOrder(HILLTOP, order.gid);
    expect(received).toEqual([]);
    const olderUpdate = edit.deliveries[1];
    const newerUpdate = cancel.deliveries[1];
    const released = await control("/deliveries/release", { shop: HILLTOP, webhookIds: [newerUpdate.webhookId, olderUpdate.webhookId] });
    expect(released.status).toBe(200);
    // each body tells of the order as it was when its change happened
    expect(received.map((r) => [r.webhookId, r.body.cancelled_at === null])).toEqual([
      [newerUpdate.webhookId, false],
      [olderUpdate.webhookId, true],
    ]);

    await control("/deliveries/hold", { shop: HILLTOP, hold: false });
    expect((await s.sim.releaseDeliveries(HILLTOP)).map((d) => d.topic)).toEqual(["orders/edited", "orders/cancelled"]);
    const again = await control("/deliveries/redeliver", { shop: HILLTOP, webhookId: olderUpdate.webhookId });
    expect(again.status).toBe(200);
    const copies = received.filter((r) => r.webhookId === olderUpdate.webhookId);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((r) => r.eventId))).toEqual(new Set([olderUpdate.eventId]));
    expect(copies[0].body).toEqual(copies[1].body);
    expect((await control("/deliveries/redeliver", { shop: HILLTOP, webhookId: "nope" })).status).toBe(404);
  });
});
