// Who may read /api/metrics. A scrape from this machine is let in; anything else must bring METRICS_TOKEN as a
// bearer token. "From this machine" means every X-Forwarded-For entry is a loopback address: the last one is the
// socket peer that scripts/app-server.mjs appended (a client cannot forge it), and a reverse proxy on the same
// host appends the real client before it, so a request from outside through a local proxy is not loopback.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import ipaddr from "ipaddr.js";
import { getEnv } from "@/server/env";

export type MetricsAccess = { ok: true } | { ok: false; status: 401 | 403; reason: string };

function isLoopback(address: string): boolean {
  try {
    const parsed = ipaddr.process(address);
    return parsed.range() === "loopback";
  } catch {
    return false;
  }
}

/** Whether the request came over loopback, and only over loopback, to this process. */
export function cameOverLoopback(headers: Headers): boolean {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.length > 0 && entries.every(isLoopback);
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares digests, so the comparison takes the same time whatever the token's length or first wrong byte. */
function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function metricsAccess(headers: Headers, token = getEnv().METRICS_TOKEN): MetricsAccess {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined) {
    if (token && tokenMatches(bearer, token)) return { ok: true };
    return { ok: false, status: 401, reason: "The metrics token is wrong." };
  }
  if (cameOverLoopback(headers)) return { ok: true };
  if (!token) return { ok: false, status: 403, reason: "Metrics are served to this machine only (set METRICS_TOKEN to scrape from elsewhere)." };
  return { ok: false, status: 401, reason: "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>." };
}
