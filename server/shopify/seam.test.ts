import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { abstractFetch } from "@shopify/shopify-api/runtime";
import { createShopify } from "@/server/shopify/api";
import { rewriteAuthorizeRedirect, rewriteFetchForSimulator, SIMULATOR_SHOP_HEADER } from "@/server/shopify/seam";

const SHOP = "hilltop-estate.myshopify.com";
const ADMIN_URL = `https://${SHOP}/admin/api/2026-10/graphql.json`;

describe("the simulator seam", () => {
  let origin: string;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ data: { order: null } }));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("leaves every request untouched when no origin is set", () => {
    const init = { method: "POST" };
    const [input, sameInit] = rewriteFetchForSimulator(ADMIN_URL, init, undefined);
    expect(input).toBe(ADMIN_URL);
    expect(sameInit).toBe(init);
  });

  it("is not installed by default: the library fetches with the plain global fetch", () => {
    createShopify({ apiKey: "k", apiSecretKey: "s", appUrl: "https://sync.example.com" });
    expect(abstractFetch).toBe(fetch);
  });

  it("rewrites admin and token requests to the origin and names the shop in a header", () => {
    for (const path of ["/admin/api/2026-10/graphql.json", "/admin/oauth/access_token"]) {
      const [input, init] = rewriteFetchForSimulator(`https://${SHOP}${path}?x=1`, { method: "POST" }, origin);
      expect(input).toBe(`${origin}${path}?x=1`);
      expect(new Headers(init?.headers).get(SIMULATOR_SHOP_HEADER)).toBe(SHOP);
    }
  });

  it("rewrites a Request object too, body and headers included", async () => {
    const request = new Request(`https://${SHOP}/admin/oauth/access_token`, { method: "POST", headers: { "X-Test": "1" }, body: '{"code":"c"}' });
    const [input] = rewriteFetchForSimulator(request, undefined, origin);
    const response = await fetch(input);
    expect(response.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ url: "/admin/oauth/access_token", headers: { "x-test": "1", [SIMULATOR_SHOP_HEADER.toLowerCase()]: SHOP } });
  });

  it("leaves requests that are not for a shop's admin alone, even when on", () => {
    for (const url of ["https://au.vintrace.net/acme/api/v6/sales-order", `https://${SHOP}/products.json`, `http://${SHOP}/admin/x`]) {
      expect(rewriteFetchForSimulator(url, undefined, origin)[0]).toBe(url);
    }
  });

  it("points the OAuth authorize redirect at the origin, with the shop in the path", () => {
    const begin = new Response(null, { status: 302, headers: { Location: `https://${SHOP}/admin/oauth/authorize?client_id=k&state=abc` } });
    const rewritten = rewriteAuthorizeRedirect(begin, origin);
    expect(rewritten.status).toBe(302);
    expect(rewritten.headers.get("Location")).toBe(`${origin}/shops/${SHOP}/admin/oauth/authorize?client_id=k&state=abc`);
    expect(rewriteAuthorizeRedirect(begin, undefined)).toBe(begin);
  });

  it("when on, sends the library's GraphQL calls to the origin", async () => {
    const shopify = createShopify({ apiKey: "k", apiSecretKey: "s", appUrl: "https://sync.example.com", adminOrigin: origin });
    expect(abstractFetch).not.toBe(fetch);
    const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: "shpat_test" });
    const client = new shopify.clients.Graphql({ session });
    await client.request("query OrderById($id: ID!) { order(id: $id) { id } }", { variables: { id: "gid://shopify/Order/1" } });
    expect(seen.at(-1)?.url).toBe("/admin/api/2026-10/graphql.json");
    expect(seen.at(-1)?.headers[SIMULATOR_SHOP_HEADER.toLowerCase()]).toBe(SHOP);
    expect(seen.at(-1)?.headers["x-shopify-access-token"]).toBe("shpat_test");
  });
});
