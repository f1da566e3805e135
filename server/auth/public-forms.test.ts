import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as acceptInvitationRoute } from "@/app/api/invitations/accept/route";
import { POST as forgotRoute } from "@/app/api/password/forgot/route";
import { POST as resetRoute } from "@/app/api/password/reset/route";
import { setTestEnvironment } from "@/test/database";
import { MAX_FORM_BODY_BYTES } from "./public-forms";

setTestEnvironment();

const CHUNK_BYTES = 1_024;
const ROUTES = { "/api/password/forgot": forgotRoute, "/api/password/reset": resetRoute, "/api/invitations/accept": acceptInvitationRoute };

/** A body 256 times the limit, counting how much of it the reader pulled. */
function hugeBody() {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= 256 * MAX_FORM_BODY_BYTES) return controller.close();
      counter.pulled += CHUNK_BYTES;
      controller.enqueue(new Uint8Array(CHUNK_BYTES).fill(0x20));
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { stream, counter };
}

const streamed = (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request(`http://app.test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);

describe("the public form endpoints' body limit", () => {
  it.each(Object.entries(ROUTES))("%s refuses a huge body without Content-Length with 413, reading no more than the limit", async (path, route) => {
    const { stream, counter } = hugeBody();
    const request = streamed(path, stream);
    expect(request.headers.get("content-length")).toBeNull();
    const response = await route(request);
    expect(response.status).toBe(413);
    expect(counter.cancelled).toBe(true);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_FORM_BODY_BYTES + 2 * CHUNK_BYTES);
  });

  it.each(Object.entries(ROUTES))("%s refuses a body larger than its small Content-Length claims", async (path, route) => {
    const { stream, counter } = hugeBody();
    const response = await route(streamed(path, stream, { "content-length": "20" }));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_FORM_BODY_BYTES + 2 * CHUNK_BYTES);
  });

  it("refuses an honest Content-Length over the limit without reading the body", async () => {
    const { stream, counter } = hugeBody();
    const response = await resetRoute(streamed("/api/password/reset", stream, { "content-length": String(MAX_FORM_BODY_BYTES + 1) }));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(CHUNK_BYTES);
  });

  it("still reads a form just under the limit", async () => {
    const body = JSON.stringify({ token: "t".repeat(MAX_FORM_BODY_BYTES - 100), password: "a-long-enough-password" });
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_FORM_BODY_BYTES);
    const response = await resetRoute(new Request("http://app.test/api/password/reset", { method: "POST", body }));
    expect(response.status).not.toBe(413);
    expect(await response.json()).toHaveProperty("reason");
  });
});

describe("a chunked request over real HTTP", () => {
  let server: http.Server;
  let url = "";
  let pulledByRoute = 0;

  // The route behind a plain Node HTTP server, the way `next start` hands it the request: the body is a stream
  // read as the route asks for it, and the count is of the bytes the route actually pulled from the socket.
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      pulledByRoute = 0;
      const counted = (Readable.toWeb(req) as ReadableStream<Uint8Array>).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            pulledByRoute += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
      const response = await forgotRoute(streamed("/api/password/forgot", counted, { "x-forwarded-for": "203.0.113.9" }));
      res.writeHead(response.status, { "content-type": "application/json", connection: "close" });
      res.end(await response.text());
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/password/forgot`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is answered 413 while the client is still sending, with the route having read little more than the limit", async () => {
    const SEND_AT_MOST = 16 * 1024 * 1024;
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
    const answered = once(request, "response") as Promise<[http.IncomingMessage]>;
    let sent = 0;
    let response: http.IncomingMessage | undefined;
    void answered.then(([r]) => (response = r));
    const chunk = Buffer.alloc(8 * 1024, 0x20);
    while (!response && sent < SEND_AT_MOST) {
      sent += chunk.length;
      if (!request.write(chunk)) await Promise.race([once(request, "drain"), answered]);
    }
    if (!response) request.end();
    const [answer] = await answered;
    request.destroy();
    expect(answer.statusCode).toBe(413);
    expect(sent).toBeLessThan(SEND_AT_MOST);
    expect(pulledByRoute).toBeLessThanOrEqual(MAX_FORM_BODY_BYTES + 256 * 1024);
  });
});
