import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SHOP_HEADER } from "@/server/shopify/seam";
import { demoAccessToken, startShopifySimulator, type ShopifySimulator } from "@/simulators/shopify/server";
import { TEST_APP } from "@/simulators/shopify/testing";
import { childEnv } from "@/test/env";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";

const HILLTOP = "hilltop-estate.myshopify.com";

describe("the Shopify simulator over HTTP", () => {
  let sim: ShopifySimulator;
  let appUrl: string;
  const deliveries: { webhookId: string; eventId: string; topic: string }[] = [];
  const app = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      deliveries.push({ webhookId: String(req.headers["x-shopify-webhook-id"]), eventId: String(req.headers["x-shopify-event-id"]), topic: String(req.headers["x-shopify-topic"]) });
      res.writeHead(200).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    sim = await startShopifySimulator({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl, tokens: { [HILLTOP]: demoAccessToken(HILLTOP) } });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });
  beforeEach(() => {
    sim.reset();
    deliveries.length = 0;
  });

  const control = (path: string, body?: unknown, method = "POST") =>
    fetch(`${sim.url}/__sim${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

  const graphql = (shop: string, token: string, query: string, variables: Record<string, unknown> = {}) =>
    fetch(`${sim.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, [SIMULATOR_SHOP_HEADER]: shop },
      body: JSON.stringify({ query, variables }),
    });

  it("creates an order and delivers orders/create N times with the same webhook and event ids", async () => {
    const response = await control("/orders", { shop: HILLTOP, lines: [{ sku: "22CHA750", qty: 3 }], deliver: true, duplicates: 3 });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { name: string; gid: string; deliveries: { status: number }[] };
    expect(created.name).toBe("#1001");
    expect(created.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.webhookId)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
    expect(deliveries[0].topic).toBe("orders/create");

    const state = (await (await control(`/state?shop=${HILLTOP}`, undefined, "GET")).json()) as { shops: { orders: { gid: string; tags: string[] }[] }[] };
    expect(state.shops[0].orders).toEqual([expect.objectContaining({ gid: created.gid, tags: [] })]);
  });

  it("signs a manual-token shop's webhooks with that shop's own secret", async () => {
    expect((await control("/shops", { shop: HILLTOP, webhookSecret: "shop-secret" })).status).toBe(200);
    const created = await sim.createOrder({ shop: HILLTOP });
    expect(created.deliveries).toEqual([]);
    const [delivery] = await sim.deliverOrderCreated(HILLTOP, created.gid);
    expect(delivery.status).toBe(200);
  });

  it("delays every Admin GraphQL call by the latency set at /__sim/options", async () => {
    const query = "query OrderById($id: ID!) { order(id: $id) { id } }";
    const timed = async () => {
      const started = Date.now();
      expect((await graphql(HILLTOP, demoAccessToken(HILLTOP), query, { id: "gid://shopify/Order/1" })).status).toBe(200);
      return Date.now() - started;
    };
    expect((await control("/options", { latencyMs: 80 })).status).toBe(200);
    try {
      expect(await timed()).toBeGreaterThanOrEqual(80);
    } finally {
      await control("/options", { latencyMs: 0 });
    }
    expect(await timed()).toBeLessThan(80);
    expect((await control("/options", { latencyMs: -1 })).status).toBe(400);
  });

  it("answers GraphQL only with a token issued for that shop", async () => {
    const query = "query OrderById($id: ID!) { order(id: $id) { id } }";
    expect((await graphql(HILLTOP, demoAccessToken(HILLTOP), query, { id: "gid://shopify/Order/1" })).status).toBe(200);
    expect((await graphql(HILLTOP, "shpat_wrong", query)).status).toBe(401);
    const riverToken = sim.issueToken("river-bend.myshopify.com");
    expect((await graphql(HILLTOP, riverToken, query)).status).toBe(401);
    expect((await graphql("nobody.myshopify.com", riverToken, query)).status).toBe(404);
  });

  it("answers the shop owner's email: owner@<shop> unless one is set at /__sim/shops", async () => {
    const token = demoAccessToken(HILLTOP);
    const email = async () => ((await (await graphql(HILLTOP, token, "query ShopEmail { shop { email } }")).json()) as { data: { shop: { email: string } } }).data.shop.email;
    expect(await email()).toBe(`owner@${HILLTOP}`);
    expect((await control("/shops", { shop: HILLTOP, email: "cellar@hilltop.example" })).status).toBe(200);
    expect(await email()).toBe("cellar@hilltop.example");
    expect((await control("/shops", { shop: HILLTOP, email: "not an address" })).status).toBe(400);
  });

  it("reports cost and throttle status on every reply, and refuses queries over the bucket's size", async () => {
    const token = demoAccessToken(HILLTOP);
    const ok = (await (await graphql(HILLTOP, token, "query ProductVariants($first: Int!) { x }", { first: 10 })).json()) as {
      extensions: { cost: { requestedQueryCost: number; actualQueryCost: number; throttleStatus: { maximumAvailable: number; restoreRate: number } } };
    };
    expect(ok.extensions.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 16, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });

    await control("/bucket", { shop: HILLTOP, maximumAvailable: 100, restoreRate: 10 });
    const tooBig = (await (await graphql(HILLTOP, token, "query ProductVariants($first: Int!) { x }", { first: 250 })).json()) as { errors: { extensions: { code: string } }[] };
    expect(tooBig.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");

    const unknown = (await (await graphql(HILLTOP, token, "query Mystery { shop { name } }")).json()) as { errors: { message: string }[] };
    expect(unknown.errors[0].message).toMatch(/does not implement the operation Mystery/);
  });

  it("returns THROTTLED once the shop's bucket is empty", async () => {
    await control("/bucket", { shop: HILLTOP, maximumAvailable: 30, restoreRate: 1 });
    const token = demoAccessToken(HILLTOP);
    const query = "query ProductVariants($first: Int!) { productVariants { nodes { id } } }";
    // requested 22, actual 16 (seven variants): 14 of 30 left, less than the next query asks for
    expect((await graphql(HILLTOP, token, query, { first: 10 })).status).toBe(200);
    const throttled = (await (await graphql(HILLTOP, token, query, { first: 10 })).json()) as {
      errors: { extensions: { code: string } }[];
      extensions: { cost: { actualQueryCost: null; throttleStatus: { currentlyAvailable: number } } };
    };
    expect(throttled.errors[0].extensions.code).toBe("THROTTLED");
    expect(throttled.extensions.cost.actualQueryCost).toBeNull();
    expect(throttled.extensions.cost.throttleStatus.currentlyAvailable).toBe(14);
  });

  it("issues tokens and takes faults through control endpoints, rejecting bad input clearly", async () => {
    const issued = (await (await control("/tokens", { shop: HILLTOP, expiring: true })).json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    expect(issued).toMatchObject({ accessToken: expect.stringMatching(/^shpat_/), refreshToken: expect.stringMatching(/^shprt_/), expiresIn: 3600 });
    expect((await control("/faults", { shop: HILLTOP, faults: [{ kind: "HTTP", status: 503, count: 2 }] })).status).toBe(204);
    const query = "query OrderById($id: ID!) { order(id: $id) { id } }";
    expect((await graphql(HILLTOP, issued.accessToken, query, { id: "x" })).status).toBe(503);
    expect((await graphql(HILLTOP, issued.accessToken, query, { id: "x" })).status).toBe(503);
    expect((await graphql(HILLTOP, issued.accessToken, query, { id: "x" })).status).toBe(200);

    const bad = await control("/orders", { shop: "not a shop", lines: [{ sku: "X", qty: -1 }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: string }).errors).toMatch(/shop: must be <name>.myshopify.com; lines.0.qty/);
    const unpriced = await control("/orders", { shop: HILLTOP, lines: [{ sku: "UNKNOWN", qty: 1 }] });
    expect(unpriced.status).toBe(400);
    expect(((await unpriced.json()) as { errors: string }).errors).toMatch(/SKU UNKNOWN is not in hilltop-estate.myshopify.com's catalog/);
    expect((await control("/nope", {})).status).toBe(404);
  });
});

describe("npm run sim:order", () => {
  // Asynchronous on purpose: the simulator and the app it talks to run in this process and must keep answering.
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, "simulators/shopify/sim-order.ts", ...args], { env: childEnv(env) });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  it("refuses bad arguments with a clear message and a non-zero exit", async () => {
    const noShop = await run([]);
    expect(noShop.status).toBe(2);
    expect(noShop.stderr).toMatch(/--shop is required/);
    const badLines = await run(["--shop", HILLTOP, "--lines", "21SHZ750:two"]);
    expect(badLines.status).toBe(2);
    expect(badLines.stderr).toMatch(/bad line "21SHZ750:two"/);
    expect((await run(["--shop", HILLTOP, "--duplicate", "0"])).stderr).toMatch(/--duplicate must be a whole number/);
    expect((await run(["--shop", HILLTOP, "--bogus"])).status).toBe(2);
  });

  it("creates an order in the running simulator and prints each delivery's status", async () => {
    let received = 0;
    const app = createServer((req, res) => {
      received++;
      req.resume();
      req.on("end", () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const sim = await startShopifySimulator({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret });
    try {
      const result = await run(["--shop", HILLTOP, "--lines", "21SHZ750:2,TOTE-NAT:1", "--duplicate", "2"], { SHOPIFY_SIM_URL: sim.url, APP_URL: appUrl });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/created #1001 \(gid:\/\/shopify\/Order\/\d+\) in hilltop-estate.myshopify.com/);
      expect(result.stdout.match(/HTTP 200/g)).toHaveLength(2);
      expect(received).toBe(2);
      expect(sim.orders(HILLTOP)[0].line_items.map((l) => [l.sku, l.quantity])).toEqual([["21SHZ750", 2], ["TOTE-NAT", 1]]);
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });

  it("cancels, refunds and edits an order by name, printing each topic sent to the shop's subscription", async () => {
    const topics: string[] = [];
    const app = createServer((req, res) => {
      topics.push(String(req.headers["x-shopify-topic"]));
      req.resume();
      req.on("end", () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const sim = await startShopifySimulator({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl });
    const env = { SHOPIFY_SIM_URL: sim.url };
    try {
      await sim.createOrder({ shop: HILLTOP, lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "TOTE-NAT", qty: 1 }] });
      const unsubscribed = await run(["--shop", HILLTOP, "--cancel", "#1001"], env);
      expect(unsubscribed.status).toBe(0);
      expect(unsubscribed.stderr).toMatch(/nothing was sent: no webhook subscription of hilltop-estate.myshopify.com/);

      await sim.createOrder({ shop: HILLTOP, lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "TOTE-NAT", qty: 1 }] });
      sim.subscribe(HILLTOP, ["orders/cancelled", "orders/updated", "orders/edited", "refunds/create"]);
      const edit = await run(["--shop", HILLTOP, "--edit", "1002", "--lines", "21SHZ750:3,TOTE-NAT:0"], env);
      expect(edit.stdout).toMatch(/^edited #1002 \(gid:\/\/shopify\/Order\/\d+\) in hilltop-estate.myshopify.com$/m);
      expect(edit.stdout).toMatch(/orders\/edited \(event [\w-]+\) → http:\/\/127.0.0.1:\d+\/api\/webhooks\/shopify: HTTP 200/);
      expect(edit.status).toBe(0);
      const refund = await run(["--shop", HILLTOP, "--refund", "#1002", "--amount", "4.50"], env);
      expect(refund.status).toBe(0);
      expect(refund.stdout).toMatch(/^refunded #1002/m);
      expect(topics).toEqual(["orders/edited", "orders/updated", "refunds/create", "orders/updated"]);
      const [, second] = sim.orders(HILLTOP);
      expect(second.line_items.map((l) => [l.sku, l.current_quantity])).toEqual([["21SHZ750", 3], ["TOTE-NAT", 0]]);

      const unknown = await run(["--shop", HILLTOP, "--cancel", "#1009"], env);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/no order named #1009 in hilltop-estate.myshopify.com; its orders: #1001, #1002/);
      const twice = await run(["--shop", HILLTOP, "--cancel", "#1001"], env);
      expect(twice.stderr).toMatch(/#1001 is already cancelled/);
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});
