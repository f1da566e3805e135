// "An order is due": PostgreSQL NOTIFY on the channel `order_sync_due` (payload: the tenant id), sent by whatever
// queues work (the webhook intake, a retry, a resume, reconciliation) so a listening worker claims it at once.
// Embedded PGlite has no LISTEN/NOTIFY; there the worker polls, and notifying is a no-op.
import pg from "pg";
import { databaseOf, type Db } from "@/server/db";

export const ORDER_SYNC_DUE_CHANNEL = "order_sync_due";

/** Wakes the workers (delivered when the surrounding transaction, if any, commits). */
export async function notifyOrderSyncDue(db: Pick<Db, "$executeRaw">, tenantId: string): Promise<void> {
  if (databaseOf(db)?.embedded) return;
  await db.$executeRaw`SELECT pg_notify(${ORDER_SYNC_DUE_CHANNEL}, ${tenantId})`;
}

export interface DueListener {
  close(): Promise<void>;
}

/**
 * LISTEN on a dedicated connection (not the Prisma pool: a pooled connection is not ours to keep). A dropped
 * connection is re-opened after a pause; meanwhile the worker's polling covers.
 */
export function listenForDue(url: string, onDue: (tenantId: string) => void, onError: (error: unknown) => void = () => {}): DueListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === ORDER_SYNC_DUE_CHANNEL) onDue(message.payload ?? "");
    });
    next.on("error", (error) => {
      onError(error);
      reconnect();
    });
    next.on("end", () => reconnect());
    try {
      await next.connect();
      await next.query(`LISTEN ${ORDER_SYNC_DUE_CHANNEL}`);
      if (closed) {
        await next.end().catch(() => {});
        return;
      }
      client = next;
      // Anything queued while we were not listening is picked up now.
      onDue("");
    } catch (error) {
      onError(error);
      await next.end().catch(() => {});
      reconnect();
    }
  };

  const reconnect = () => {
    if (closed || retry) return;
    const dead = client;
    client = null;
    void dead?.end().catch(() => {});
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000);
    retry.unref();
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const open = client;
      client = null;
      await open?.end().catch(() => {});
    },
  };
}
