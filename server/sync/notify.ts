// "An order is due": the workers' side of the PostgreSQL NOTIFY that queue.ts sends on ORDER_SYNC_DUE_CHANNEL
// (payload: the tenant id) whenever it queues work, so a listening worker claims it at once.
// Embedded PGlite has no LISTEN/NOTIFY; there the worker polls.
import "server-only";
import pg from "pg";
import { ORDER_SYNC_DUE_CHANNEL } from "./queue";

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
