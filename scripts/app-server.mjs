// Serves the built app like `next start -p PORT -H HOST`, with one difference: the connection's peer is appended
// to X-Forwarded-For, as every proxy does. Next itself keeps a header the client sent and records the peer only when
// there is none, so without this a client could name any address it likes. server/auth/client-address.ts counts
// TRUSTED_PROXY_HOPS entries from the right of this header.
//
// It also owns the process's shutdown. On SIGTERM or SIGINT it stops accepting connections, stops the in-app worker
// (server/jobs/in-app.ts: in-flight syncs get a grace period to finish, the leases of the rest are released), and
// only then exits, with code 0.
// Usage: node scripts/app-server.mjs <port> <host>
import http from "node:http";
import { appendPeer } from "./forwarded-for.mjs";

// The handshake with server/jobs/in-app.ts, which Next bundles, so it is found on globalThis rather than imported.
const APP_SERVER_OWNS_SIGNALS = Symbol.for("vintrace-sync.app-server-owns-signals");
const STOP_IN_APP_WORKER = Symbol.for("vintrace-sync.stop-in-app-worker");
globalThis[APP_SERVER_OWNS_SIGNALS] = true;

let server = null;
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`[app] ${signal}: stopping`);
    server?.close();
    server?.closeIdleConnections();
    const stopWorker = globalThis[STOP_IN_APP_WORKER];
    Promise.resolve(typeof stopWorker === "function" ? stopWorker() : undefined)
      .catch((error) => console.error(`[app] stopping the worker failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        console.log("[app] stopped");
        process.exit(0);
      });
  });
}

// As `next start` does, and before Next (and React through it) is loaded, since both read it when loaded.
process.env.NODE_ENV = "production";
const { default: next } = await import("next");
const [port, hostname] = [Number(process.argv[2] ?? process.env.PORT ?? 3000), process.argv[3] ?? "127.0.0.1"];
const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
server = http
  .createServer((req, res) => {
    appendPeer(req);
    void handle(req, res);
  })
  .listen(port, hostname, () => console.log(`[app] listening on http://${hostname}:${port}`));
