// Chat webhooks are addresses a winery types in, so posting to them must not become a way into our own network:
// a webhook must be a public HTTPS URL. The check runs when the URL is saved and again at every
// send, where the address the name resolves to is checked too (a public name can point at a private address).
// Origins in OUTBOUND_ALLOWLIST (the demo's and the tests' local receivers) are admitted as they are.
import "server-only";
import { isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";

// IPv4-compatible IPv6 (::a.b.c.d, deprecated) is classed as ordinary unicast, yet it names an IPv4 host.
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/**
 * True only for an ordinary public unicast address. Every special range is refused: loopback, private, link-local,
 * shared (CGNAT), multicast, broadcast, reserved and documentation, unspecified, and the IPv6 forms that carry an
 * IPv4 address to wherever it points (6to4, NAT64, Teredo, IPv4-compatible). An IPv4-mapped IPv6 address is judged
 * by the IPv4 address inside it.
 */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv6" && parsed.match(IPV4_COMPATIBLE)) return false;
  return parsed.range() === "unicast";
}

export type WebhookUrlCheck = { ok: true; url: string; hint: string; allowlisted: boolean } | { ok: false; message: string };

const EXAMPLE = "https://hooks.slack.com/services/…";

export function checkChatWebhookUrl(input: string, allowlistOrigins: string[]): WebhookUrlCheck {
  const text = input.trim();
  if (!text) return { ok: false, message: `Paste the webhook address, like ${EXAMPLE}.` };
  if (text.length > 2000) return { ok: false, message: "That address is too long to be a webhook." };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `That is not a web address. Paste the webhook address, like ${EXAMPLE}.` };
  }
  if (url.username || url.password) return { ok: false, message: "The webhook address must not contain a user name or password." };
  const allowed = new Set(allowlistOrigins.map((o) => o.trim()).filter(Boolean));
  if (allowed.has(url.origin)) return { ok: true, url: url.toString(), hint: url.origin, allowlisted: true };
  if (url.protocol !== "https:") return { ok: false, message: "The webhook address must start with https://." };
  if (url.port && url.port !== "443") return { ok: false, message: "The webhook address must not name a port." };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(host)) {
    if (!isPublicAddress(host)) return { ok: false, message: "The webhook address must be on the public internet." };
  } else if (!host.includes(".") || /(^|\.)(localhost|local|internal|intranet|lan|home|corp|localdomain)$/.test(host)) {
    return { ok: false, message: "The webhook address must be a public internet address." };
  }
  return { ok: true, url: url.toString(), hint: url.origin, allowlisted: false };
}

/** A DNS lookup that refuses names resolving to non-public addresses, so the connection can only go where we checked. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      return callback(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: "ENOTPUBLIC" }), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

export interface ChatPostResult {
  ok: boolean;
  status?: number;
  error?: string;
}

export type PostChat = (url: string, text: string) => Promise<ChatPostResult>;

const MAX_CHAT_TEXT = 3_500;

export interface ChatPosterTimeouts {
  /** the longest silence on the connection */
  idleMs?: number;
  /** the whole request, from the address lookup to the last byte of the answer */
  deadlineMs?: number;
}

/** A Slack-compatible `{text}` POST; never follows redirects; 5 s of silence or 10 s in all ends it. */
export function createChatPoster(allowlistOrigins: string[], { idleMs = 5_000, deadlineMs = 10_000 }: ChatPosterTimeouts = {}): PostChat {
  return async (rawUrl, text) => {
    const check = checkChatWebhookUrl(rawUrl, allowlistOrigins);
    if (!check.ok) return { ok: false, error: check.message };
    const url = new URL(check.url);
    const body = JSON.stringify({ text: text.length > MAX_CHAT_TEXT ? `${text.slice(0, MAX_CHAT_TEXT)}…` : text });
    const transport = url.protocol === "https:" ? https : http;
    // A receiver that trickles its answer a byte at a time never trips the idle timeout; the deadline still ends it.
    const deadline = AbortSignal.timeout(deadlineMs);
    return new Promise<ChatPostResult>((resolve) => {
      const fail = (error: Error) =>
        resolve({ ok: false, error: deadline.aborted ? `no complete answer within ${deadlineMs / 1000} s` : error.message });
      const req = transport.request(
        url,
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "vintrace-sync-alerts" },
          timeout: idleMs,
          signal: deadline,
          ...(check.allowlisted ? {} : { lookup: publicOnlyLookup }),
        },
        (res) => {
          res.resume();
          res.on("error", fail);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `the webhook answered ${status}` });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${idleMs / 1000} s`)));
      req.on("error", fail);
      req.end(body);
    });
  };
}
