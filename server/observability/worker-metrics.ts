// What a standalone worker (`npm run worker`) serves when WORKER_METRICS_PORT is set: GET /metrics with this process's
// own counters (its vintrace and Shopify call latencies, job runs, alerts sent, and the Node.js process). What every
// process shares (the queue, outcomes, heartbeats) is read from the database by the app's /api/metrics, so it is
// not repeated here and a scrape of both never counts it twice. The access rule is the app's: a scrape from this
// machine needs nothing, any other the bearer METRICS_TOKEN.
import "server-only";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { logError } from "./log";
import { metrics } from "./metrics";
import { metricsAccess } from "./metrics-access";

export interface WorkerMetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function serveWorkerMetrics(options: { port: number; host: string; token?: string }): Promise<WorkerMetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" || (request.url ?? "").split("?")[0] !== "/metrics") {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Only GET /metrics is served here.");
      return;
    }
    // The socket's peer is who asks: no proxy header is trusted here, so it stands where the app's own server
    // appends it.
    const headers = new Headers({ "x-forwarded-for": request.socket.remoteAddress ?? "" });
    if (request.headers.authorization) headers.set("authorization", request.headers.authorization);
    const access = metricsAccess(headers, options.token);
    if (!access.ok) {
      response.writeHead(access.status, { "Content-Type": "text/plain; charset=utf-8", ...(access.status === 401 ? { "WWW-Authenticate": 'Bearer realm="metrics"' } : {}) }).end(access.reason);
      return;
    }
    const { registry } = metrics();
    registry.metrics().then(
      (body) => response.writeHead(200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" }).end(body),
      (error: unknown) => {
        logError("worker metrics: could not collect", error);
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
