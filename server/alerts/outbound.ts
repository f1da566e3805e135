// Chat webhooks are addresses a winery types in, so posting to them must not become a way into our own network
// (amendment 14): a webhook must be a public HTTPS URL. The check runs when the URL is saved and again at every
// send, where the address the name resolves to is checked too (a public name can point at a private address).
// Origins in OUTBOUND_ALLOWLIST (the demo's and the tests' local receivers) are admitted as they are.
import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["100::", 64], ["2001::", 32], ["2001:db8::", 32],
  ["fc00::", 7], ["fe80::", 10], ["ff00::", 8],
] as const) blocked.addSubnet(net, prefix, "ipv6");

/** True for an address on the public internet (not loopback, private, link-local, shared, documentation…). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  return !blocked.check(address, family === 4 ? "ipv4" : "ipv6");
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

/** A Slack-compatible `{text}` POST; never follows redirects; 5 s timeout. */
export function createChatPoster(allowlistOrigins: string[], timeoutMs = 5_000): PostChat {
  return async (rawUrl, text) => {
    const check = checkChatWebhookUrl(rawUrl, allowlistOrigins);
    if (!check.ok) return { ok: false, error: check.message };
    const url = new URL(check.url);
    const body = JSON.stringify({ text: text.length > MAX_CHAT_TEXT ? `${text.slice(0, MAX_CHAT_TEXT)}…` : text });
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<ChatPostResult>((resolve) => {
      const req = transport.request(
        url,
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "vintrace-sync-alerts" },
          timeout: timeoutMs,
          ...(check.allowlisted ? {} : { lookup: publicOnlyLookup }),
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `the webhook answered ${status}` });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on("error", (error) => resolve({ ok: false, error: error.message }));
      req.end(body);
    });
  };
}
