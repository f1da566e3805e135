// The vintrace simulator: a real HTTP server (node:http) serving several vintrace customers, each under
// /<customerCode>/api/v6, plus the simulator's own /<customerCode>/__sim/ endpoints. Tests start it in-process on
// a free port; simulators/vintrace/main.ts runs it standalone for the demo and the benchmarks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi } from "./api";
import { handleControl, type Customers } from "./control";
import { demoCustomers } from "./demo-seed";
import { faultResponse, takeFault } from "./faults";
import { json, v6Error, type SimResponse } from "./respond";
import { applySeed, emptyCustomer, seedSchema, type CustomerState, type LoggedRequest } from "./state";

export interface VintraceSimulatorOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** seed the demo wineries of simulators/catalog.ts */
  seedDemo?: boolean;
  /** simulated latency on every vintrace call, in ms (benchmarks); also settable at POST /__sim/options */
  latencyMs?: number;
}

export interface VintraceSimulator {
  /** the server's origin, e.g. http://127.0.0.1:4010 */
  url: string;
  /** a customer's base URL, as a winery would enter it: http://127.0.0.1:4010/<code> */
  customerUrl(code: string): string;
  close(): Promise<void>;
}

/** The request log is for assertions; a benchmark's thousands of orders must not grow it without bound. */
const REQUEST_LOG_LIMIT = 10_000;

export async function startVintraceSimulator(options: VintraceSimulatorOptions = {}): Promise<VintraceSimulator> {
  const customers: Customers = new Map();
  const settings = { latencyMs: options.latencyMs ?? 0 };
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              timers.delete(entry);
              resolve();
            }, ms),
            resolve,
          };
          timers.add(entry);
        });

  if (options.seedDemo) {
    for (const { code, seed } of demoCustomers()) {
      const state = emptyCustomer(code);
      applySeed(state, seedSchema.parse(seed));
      customers.set(code, state);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      write(res, v6Error(500, `Simulator error: ${error instanceof Error ? error.message : String(error)}`));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    const method = (req.method ?? "GET").toUpperCase();
    const segments = url.pathname.split("/").filter(Boolean);
    const raw = await readBody(req);

    if (segments[0] === "__sim") return write(res, globalControl(segments.slice(1).join("/"), method, raw));
    const [code, area, version, ...rest] = segments;
    if (!code) return write(res, json(200, { simulator: "vintrace", customers: [...customers.keys()] }));
    if (area === "__sim") {
      const body = parseBody(raw);
      if (body === INVALID) return write(res, v6Error(400, "The body is not valid JSON"));
      return write(res, handleControl(customers, code, [version, ...rest].filter(Boolean).join("/"), method, body));
    }
    if (area !== "api" || version !== "v6") return write(res, v6Error(404, `Not a vintrace v6 path: ${url.pathname}`));
    const state = customers.get(code);
    if (!state) return write(res, v6Error(404, `Unknown customer '${code}'`));

    const path = `/${rest.join("/")}`;
    await sleep(settings.latencyMs);
    const fault = takeFault(state.faults, method, path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    let response: SimResponse;
    if (fault && fault.status !== undefined && !fault.commitBeforeFailing) {
      response = faultResponse(fault);
    } else {
      const body = parseBody(raw);
      response =
        body === INVALID
          ? v6Error(400, "The request body is not valid JSON")
          : handleApi(state, { method, path, query: url.searchParams, authorization: req.headers.authorization, body });
      if (fault?.commitBeforeFailing) response = faultResponse(fault);
    }
    log(state, { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: loggedHeaders(req), body: parseBody(raw), status: response.status });
    write(res, response);
  }

  function globalControl(action: string, method: string, raw: string): SimResponse {
    if (action === "health") return json(200, { ok: true, customers: [...customers.keys()], latencyMs: settings.latencyMs });
    if (action === "options" && method === "GET") return json(200, settings);
    if (action === "options" && method === "POST") {
      const body = parseBody(raw);
      const latency = typeof body === "object" && body !== null && "latencyMs" in body ? (body as { latencyMs: unknown }).latencyMs : undefined;
      if (typeof latency !== "number" || latency < 0) return v6Error(400, "latencyMs must be a number of at least 0");
      settings.latencyMs = latency;
      return json(200, settings);
    }
    return v6Error(404, `No simulator endpoint ${method} /__sim/${action}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    customerUrl: (code) => `${url}/${code}`,
    close: async () => {
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const INVALID = Symbol("invalid JSON");

function parseBody(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return INVALID;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function loggedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = name === "authorization" || name === "proxy-authorization" ? "[redacted]" : Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function log(state: CustomerState, entry: Omit<LoggedRequest, "at">): void {
  state.requests.push({ at: new Date().toISOString(), ...entry, body: entry.body === INVALID ? "(invalid JSON)" : (entry.body ?? null) });
  if (state.requests.length > REQUEST_LOG_LIMIT) state.requests.splice(0, state.requests.length - REQUEST_LOG_LIMIT);
}

/** Writes the reply unless the client has gone (a client that timed out does not get one). */
function write(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const contentType = response.contentType ?? "application/json";
  const text = typeof response.body === "string" && !contentType.includes("json") ? response.body : JSON.stringify(response.body ?? null);
  res.writeHead(response.status, { ...response.headers, "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
