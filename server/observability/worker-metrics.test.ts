// A standalone worker's GET /metrics, over real sockets: open to this machine, behind METRICS_TOKEN for any other.
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { metrics } from "./metrics";
import { serveWorkerMetrics, type WorkerMetricsServer } from "./worker-metrics";

const TOKEN = "worker-metrics-token-0123456789";
let server: WorkerMetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** An address of this machine that is not loopback: a request to it arrives from that address, not 127.0.0.1. */
function externalAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal);
  if (!found) throw new Error("this test needs a network interface besides loopback");
  return found.address;
}

describe("a worker's metrics", () => {
  it("are served to this machine without a token: this process's call latencies and the Node.js process", async () => {
    metrics().vintraceRequestSeconds.observe({ method: "POST", endpoint: "/sales-order", status: "200" }, 0.12);
    server = await serveWorkerMetrics({ port: 0, host: "127.0.0.1", token: TOKEN });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('vintrace_sync_vintrace_request_duration_seconds_count{method="POST",endpoint="/sales-order",status="200"} 1');
    expect(body).toContain("vintrace_sync_process_resident_memory_bytes");
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
  });

  it("need the bearer token from anywhere else, and are refused without one when no token is set", async () => {
    const address = externalAddress();
    server = await serveWorkerMetrics({ port: 0, host: address, token: TOKEN });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    await server.close();

    server = await serveWorkerMetrics({ port: 0, host: address });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(403);
  });
});
