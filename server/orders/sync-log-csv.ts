// The sync log as CSV text, a page of rows at a time, for the export route to stream.
import "server-only";
import { csvLine } from "@/lib/csv";
import type { Db } from "@/server/db";
import { allSyncLogRows, type SyncLogFilter, type SyncLogScope } from "./sync-log";

const HEADER = ["Order", "Winery", "Status", "Reason", "Error class", "Error", "Fix in", "vintrace sales order", "Tag", "Attempts", "Order placed", "Received", "Synced"];

/** A BOM (so Excel reads the file as UTF-8) and the header first, then one chunk of lines per page of rows. */
export async function* syncLogCsv(db: Db, scope: SyncLogScope, filter: SyncLogFilter): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(HEADER)}`;
  for await (const page of allSyncLogRows(db, scope, filter)) {
    yield page
      .map((r) =>
        csvLine([
          r.orderName,
          r.tenantName,
          r.status,
          r.statusReason,
          r.lastErrorClass,
          r.lastErrorMessage,
          r.lastErrorFix,
          r.vintraceSalesOrderCode,
          r.tagState,
          r.attempts,
          r.orderCreatedAt,
          r.createdAt,
          r.syncedAt,
        ]),
      )
      .join("");
  }
}
