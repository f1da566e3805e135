// Serves the built app like `next start -p PORT -H HOST`, with one difference: the connection's peer is appended
// to X-Forwarded-For, as every proxy does. Next itself keeps a header the client sent and records the peer only when
// there is none, so without this a client could name any address it likes. server/auth/client-address.ts counts
// TRUSTED_PROXY_HOPS entries from the right of this header.
// Usage: node scripts/app-server.mjs <port> <host>
import http from "node:http";
import { appendPeer } from "./forwarded-for.mjs";

// As `next start` does, and before Next (and React through it) is loaded, since both read it when loaded.
process.env.NODE_ENV = "production";
const { default: next } = await import("next");
const [port, hostname] = [Number(process.argv[2] ?? process.env.PORT ?? 3000), process.argv[3] ?? "127.0.0.1"];
const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
http
  .createServer((req, res) => {
    appendPeer(req);
    void handle(req, res);
  })
  .listen(port, hostname, () => console.log(`[app] listening on http://${hostname}:${port}`));
