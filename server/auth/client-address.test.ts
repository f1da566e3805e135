import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendPeer } from "@/scripts/forwarded-for.mjs";
import { clientAddressFrom } from "./client-address";
import { clientAddressOf } from "./public-forms";

// A real HTTP server that does what scripts/app-server.mjs does before Next sees a request, then answers with the
// client address a route handler would compute for the hop count in ?hops=.
let server: http.Server;
let url = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    appendPeer(req);
    const hops = Number(new URL(req.url ?? "/", "http://x").searchParams.get("hops") ?? 0);
    res.end(JSON.stringify({ address: clientAddressFrom(req.headers["x-forwarded-for"] as string, hops) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const addressFor = async (hops: number, forwardedFor?: string) => {
  const res = await fetch(`${url}/?hops=${hops}`, { headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} });
  return ((await res.json()) as { address: string | null }).address;
};

describe("the client address", () => {
  it("with no trusted proxy is the connection's peer, whatever X-Forwarded-For the client sends", async () => {
    expect(await addressFor(0)).toBe("127.0.0.1");
    expect(await addressFor(0, "203.0.113.66")).toBe("127.0.0.1");
    expect(await addressFor(0, "203.0.113.66, 198.51.100.7")).toBe("127.0.0.1");
  });

  it("behind N trusted proxies is the entry the outermost proxy wrote, not what the client put before it", async () => {
    // The client forges 203.0.113.66; our proxy appends the address it saw (198.51.100.7); our server appends the proxy.
    expect(await addressFor(1, "203.0.113.66, 198.51.100.7")).toBe("198.51.100.7");
    expect(await addressFor(2, "203.0.113.66, 198.51.100.7, 10.0.0.2")).toBe("198.51.100.7");
    // A header shorter than the configured chain: the leftmost entry is the furthest one written by a trusted hop.
    expect(await addressFor(3, "198.51.100.7")).toBe("198.51.100.7");
  });

  it("the public forms take the peer our server recorded (the last entry), not the client's first one", () => {
    const request = (forwardedFor: string) => new Request("http://app.test/api/password/forgot", { headers: { "x-forwarded-for": forwardedFor } });
    expect(clientAddressOf(request("203.0.113.66, 127.0.0.1"))).toBe("127.0.0.1");
    expect(clientAddressOf(request("::ffff:192.0.2.4"))).toBe("192.0.2.4");
    expect(clientAddressOf(request("2001:db8::1"))).toBe("2001:db8::1");
    expect(clientAddressOf(request("evil, not-an-address"))).toBeNull();
    expect(clientAddressOf(new Request("http://app.test/"))).toBeNull();
  });
});
