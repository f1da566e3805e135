/**
 * Appends the connection's peer to X-Forwarded-For (several incoming headers are joined first), so the last entry
 * is always the address that actually connected.
 * @param {import("node:http").IncomingMessage} req
 */
export function appendPeer(req) {
  const incoming = req.headers["x-forwarded-for"];
  const before = (Array.isArray(incoming) ? incoming.join(",") : (incoming ?? "")).trim();
  // A connection without an address (a unix socket) still gets an entry, one that names no client.
  const peer = req.socket.remoteAddress ?? "unknown";
  req.headers["x-forwarded-for"] = before ? `${before}, ${peer}` : peer;
}
