// /api/metrics: who may scrape it, and what it reports after real syncs through both simulators.
import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { deliverAlert } from "@/server/alerts/deliver";
import { createPrisma, getDb } from "@/server/db";
import { runDueJobs } from "@/server/jobs/scheduler";
import { createMailer } from "@/server/mail/mailer";
import { setTestEnv } from "@/test/env";
import { runUntilIdle, startSyncWorldForFile, uniqueLabel } from "@/test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
afterAll(() => getDb().$disconnect());

const TOKEN = "metrics-token-0123456789abcdef";

function scrape(headers: Record<string, string>) {
  return GET(new Request("http://app.test/api/metrics", { headers }));
}

/** One sample's value from Prometheus text: `name` with (at least) these labels; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe("who may scrape", () => {
  it("a scrape from this machine needs no token; one from elsewhere is refused while no METRICS_TOKEN is set", async () => {
    const restore = setTestEnv({ METRICS_TOKEN: undefined });
    try {
      for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) expect((await scrape({ "x-forwarded-for": peer })).status, peer).toBe(200);
      // From outside, directly or through a reverse proxy on this machine (which appends the real client first).
      for (const chain of ["203.0.113.9", "203.0.113.9, 127.0.0.1", "127.0.0.1, 203.0.113.9"]) {
        expect((await scrape({ "x-forwarded-for": chain })).status, chain).toBe(403);
      }
      expect((await scrape({})).status).toBe(403);
      // A token means nothing while none is set.
      expect((await scrape({ "x-forwarded-for": "203.0.113.9", authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    } finally {
      restore();
    }
  });

  it("with METRICS_TOKEN set, a scrape from elsewhere needs it as a bearer token", async () => {
    const restore = setTestEnv({ METRICS_TOKEN: TOKEN });
    try {
      const outside = { "x-forwarded-for": "203.0.113.9, 127.0.0.1" };
      const ok = await scrape({ ...outside, authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toContain("text/plain");
      const missing = await scrape(outside);
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toContain("Bearer");
      expect((await scrape({ ...outside, authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await scrape({ ...outside, authorization: "Bearer short" })).status).toBe(401);
      // A wrong token is refused even from this machine.
      expect((await scrape({ "x-forwarded-for": "127.0.0.1", authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
      expect((await scrape({ "x-forwarded-for": "127.0.0.1" })).status).toBe(200);
    } finally {
      restore();
    }
  });
});

describe("what a scrape reports", () => {
  it("syncs by outcome and cause, the queue, call latencies, webhooks, job runs and alerts", async () => {
    const synced = await world.addTenant();
    const syncedOrder = await synced.placeOrder();
    const refused = await world.addTenant();
    await refused.simControl("faults", { faults: [{ match: "POST /sales-order", status: 401 }] });
    await refused.placeOrder();
    await runUntilIdle(world.deps(), [synced.tenantId, refused.tenantId]);
    expect((await synced.sync(syncedOrder.gid)).status).toBe("SYNCED");

    // An order left due for five minutes, for no worker to take.
    const waiting = await world.addTenant();
    const waitingOrder = await waiting.placeOrder();
    await db.orderSync.update({ where: { id: (await waiting.sync(waitingOrder.gid)).id }, data: { nextAttemptAt: new Date(Date.now() - 5 * 60_000) } });

    const job = uniqueLabel("metrics-job");
    await runDueJobs(world.deps(), "metrics-test", [{ name: job, windowMs: 60_000, scopes: async () => ["all"], run: async () => ({ done: 1 }) }]);
    await deliverAlert(
      db,
      { mailer: createMailer({ from: "x@test", log: () => {} }), postChat: async () => ({ ok: false, error: "no chat here" }) },
      {
        tenantId: synced.tenantId,
        kind: "TEST",
        content: { subject: "A test alert", blocks: [], chat: "A test alert" },
        recipients: { emails: ["owner@winery.test"], webhooks: [{ label: "chat (https://chat.test)", url: "https://chat.test/hook" }] },
        createdAt: new Date(),
      },
    );

    const response = await scrape({ "x-forwarded-for": "127.0.0.1" });
    expect(response.status).toBe(200);
    const text = await response.text();
    const p = "vintrace_sync_";

    expect(sample(text, `${p}orders`, { status: "SYNCED" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}orders`, { status: "FAILED" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}failed_orders`, { cause: "AUTH" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}failed_orders`, { cause: "CONFIG" })).toBeDefined();
    expect(sample(text, `${p}outcomes_last_15m`, { outcome: "SYNCED", cause: "none" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}outcomes_last_15m`, { outcome: "FAILED", cause: "AUTH" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}queue_depth`, { state: "due" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}oldest_due_age_seconds`)).toBeGreaterThanOrEqual(299);

    expect(sample(text, `${p}vintrace_request_duration_seconds_count`, { method: "POST", endpoint: "/sales-order", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}vintrace_request_duration_seconds_count`, { method: "POST", endpoint: "/sales-order", status: "401" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}shopify_admin_request_duration_seconds_count`, { operation: "TagsAdd", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, `${p}webhook_deliveries_total`, { topic: "orders/create", status: "200" })).toBeGreaterThanOrEqual(3);

    expect(sample(text, `${p}job_runs_total`, { job, result: "ok" })).toBe(1);
    expect(sample(text, `${p}job_run_duration_seconds_count`, { job })).toBe(1);
    expect(sample(text, `${p}job_last_success_timestamp_seconds`, { job })).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(sample(text, `${p}alerts_sent_total`, { kind: "TEST", channel: "EMAIL", result: "ok" })).toBe(1);
    expect(sample(text, `${p}alerts_sent_total`, { kind: "TEST", channel: "CHAT", result: "failed" })).toBe(1);
    expect(sample(text, `${p}process_resident_memory_bytes`)).toBeGreaterThan(0);
  });
});
