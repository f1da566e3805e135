// The Prometheus metrics /api/metrics serves. Two kinds:
// - this process's own (call latencies, webhook deliveries, job runs, alerts sent), counted as they happen;
// - the state every process shares (the sync queue, outcomes, failure causes, worker heartbeats, jobs' last
//   success): gauges that database-metrics.ts fills from the database at scrape time, so any instance answers for
//   all of them.
import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

const PREFIX = "vintrace_sync_";

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    vintraceRequestSeconds: new Histogram({
      name: `${PREFIX}vintrace_request_duration_seconds`,
      help: "vintrace API calls made by this process, by method, endpoint and HTTP status (network_error when none came)",
      labelNames: ["method", "endpoint", "status"] as const,
      buckets: latencyBuckets,
      registers,
    }),
    shopifyRequestSeconds: new Histogram({
      name: `${PREFIX}shopify_admin_request_duration_seconds`,
      help: "Shopify Admin GraphQL calls made by this process (each try), by operation and outcome (ok, or the error kind)",
      labelNames: ["operation", "outcome"] as const,
      buckets: latencyBuckets,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: "Shopify webhook deliveries this process answered, by topic and HTTP status",
      labelNames: ["topic", "status"] as const,
      registers,
    }),
    jobRuns: new Counter({
      name: `${PREFIX}job_runs_total`,
      help: "Scheduled job runs in this process, by job and result (ok, failed)",
      labelNames: ["job", "result"] as const,
      registers,
    }),
    jobSeconds: new Histogram({
      name: `${PREFIX}job_run_duration_seconds`,
      help: "How long this process's scheduled job runs took, by job",
      labelNames: ["job"] as const,
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers,
    }),
    alertsSent: new Counter({
      name: `${PREFIX}alerts_sent_total`,
      help: "Alert deliveries this process attempted, by alert kind, channel (EMAIL, CHAT) and result (ok, failed)",
      labelNames: ["kind", "channel", "result"] as const,
      registers,
    }),
    orders: new Gauge({
      name: `${PREFIX}orders`,
      help: "Order sync records by status (all processes, from the database)",
      labelNames: ["status"] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: `${PREFIX}queue_depth`,
      help: "Work waiting in the sync queue, by state: due (a worker may take it now), in_flight (leased), scheduled (a retry later), waiting (its winery is uninstalled), held (its winery is paused)",
      labelNames: ["state"] as const,
      registers,
    }),
    oldestDueAge: new Gauge({
      name: `${PREFIX}oldest_due_age_seconds`,
      help: "How long the longest-waiting due, unleased record of an active winery has been due (0 when none)",
      registers,
    }),
    failedOrders: new Gauge({
      name: `${PREFIX}failed_orders`,
      help: "Orders that failed for good, by cause",
      labelNames: ["cause"] as const,
      registers,
    }),
    recentOutcomes: new Gauge({
      name: `${PREFIX}outcomes_last_15m`,
      help: "Records that reached an outcome in the last 15 minutes, by outcome (SYNCED, FAILED, SKIPPED, HELD) and cause (none unless failed)",
      labelNames: ["outcome", "cause"] as const,
      registers,
    }),
    workersAlive: new Gauge({
      name: `${PREFIX}workers_alive`,
      help: "Sync workers whose heartbeat is less than 2 minutes old",
      registers,
    }),
    jobLastSuccess: new Gauge({
      name: `${PREFIX}job_last_success_timestamp_seconds`,
      help: "When each scheduled job last finished without an error, in any process (Unix time)",
      labelNames: ["job"] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// On globalThis: one registry per process, however many bundles load this module.
const globalForMetrics = globalThis as unknown as { vintraceSyncMetrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.vintraceSyncMetrics ??= createMetrics();
  return globalForMetrics.vintraceSyncMetrics;
}

/** A vintrace path as a label: ids and codes in it become ":id", so the label has few values. */
export function endpointLabel(path: string): string {
  return path
    .split("/")
    .map((part) => (/\d/.test(part) ? ":id" : part))
    .join("/");
}
