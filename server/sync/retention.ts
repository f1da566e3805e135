// Retention: after RETENTION_DAYS, the stored Shopify payloads (which carry customers' names and addresses) and the
// recorded request/response bodies are purged; the summaries stay (status, sales order code, error class and message,
// each attempt's step, outcome and duration), so the sync log keeps its history. Records still waiting (PENDING, HELD)
// keep their payload: they will need it. Processed after-sale deliveries (OrderEvent) are deleted: what they changed is
// in the records and the "Changed after sending" entries. Work is done in batches so a first purge over a large backlog never holds long
// locks.
import "server-only";
import { purgeStaleThrottles } from "@/server/auth/login-throttle";
import { purgeDeadSessions } from "@/server/auth/sessions";
import type { Db } from "@/server/db";
import { purgeFinishedPayloads } from "./queue";

export interface PurgeResult {
  cutoff: string;
  payloads: number;
  attempts: number;
  deliveries: number;
  orderEvents: number;
  jobClaims: number;
  loginThrottles: number;
  sessions: number;
}

const BATCH = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

async function inBatches(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await run();
    total += count;
    if (count < BATCH) return total;
  }
}

export async function purgeExpiredData(db: Db, retentionDays: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const payloads = await inBatches(() => purgeFinishedPayloads(db, cutoff, BATCH));
  const attempts = await inBatches(
    () => db.$executeRaw`
      UPDATE "SyncAttempt" SET request = NULL, response = NULL
      WHERE id IN (
        SELECT id FROM "SyncAttempt"
        WHERE "createdAt" < ${cutoff} AND (request IS NOT NULL OR response IS NOT NULL)
        LIMIT ${BATCH})`,
  );
  const deliveries = await inBatches(
    () => db.$executeRaw`
      UPDATE "WebhookDelivery" SET payload = NULL
      WHERE id IN (SELECT id FROM "WebhookDelivery" WHERE "receivedAt" < ${cutoff} AND payload IS NOT NULL LIMIT ${BATCH})`,
  );
  const orderEvents = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "OrderEvent" WHERE id IN (SELECT id FROM "OrderEvent" WHERE "processedAt" < ${cutoff} LIMIT ${BATCH})`,
  );
  // Job claims are only needed while their window can still be claimed; a month of them is plenty to look back on.
  const { count: jobClaims } = await db.jobClaim.deleteMany({ where: { claimedAt: { lt: new Date(now.getTime() - 30 * DAY_MS) } } });
  // Sign-in counts whose window and refusal are over, and sessions that can never be used again, have no use left.
  const loginThrottles = await purgeStaleThrottles(db, now);
  const sessions = await purgeDeadSessions(db, now);
  return { cutoff: cutoff.toISOString(), payloads, attempts, deliveries, orderEvents, jobClaims, loginThrottles, sessions };
}
