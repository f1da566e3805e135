import "server-only";
import { getEnv } from "@/server/env";

// The app is served by scripts/app-server.mjs, which appends the connection's peer to X-Forwarded-For as every
// proxy does (Next's own server keeps a header the client sent and only fills it in when it is absent). So the
// entries on the right were written by machines we trust: the last by our own server, the ones before it by each
// of the TRUSTED_PROXY_HOPS proxies in front. Anything further left came from the client and is ignored.

const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/** The client's address, TRUSTED_PROXY_HOPS entries left of the peer our server recorded; null if there is none. */
export function clientAddressFrom(forwardedFor: string | null | undefined, trustedHops = getEnv().TRUSTED_PROXY_HOPS): string | null {
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  // Fewer entries than proxies means a proxy did not add one; the leftmost is then the furthest trusted writer.
  const address = entries[Math.max(0, entries.length - 1 - trustedHops)].replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return ADDRESS.test(address) ? address : null;
}
