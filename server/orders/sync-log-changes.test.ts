// The sync log's "Changed after sending" filter: orders with an open entry, or with any entry, in the winery picked
// (or every winery, for support), paged by keyset like the rest of the log; the CSV export takes the same filter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { addChange, cancelledDetails, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-change-entries";
import { allSyncLogRows, listSyncLog, type SyncLogFilter } from "./sync-log";
import { syncLogCsv } from "./sync-log-csv";

const db = createPrisma();
const stamp = Date.now().toString(36);
let hilltop: string;
let riverbend: string;

beforeAll(async () => {
  hilltop = (await db.tenant.create({ data: { name: "Hilltop", shopDomain: `hilltop-${stamp}.myshopify.com` } })).id;
  riverbend = (await db.tenant.create({ data: { name: "Riverbend", shopDomain: `riverbend-${stamp}.myshopify.com` } })).id;
  // #5001 and #5003: open entries (#5001 two of them); #5002: handled only; #5004: none. Riverbend's #6001: open.
  const [o1, o2, o3] = [await sentOrder(db, hilltop, "#5001"), await sentOrder(db, hilltop, "#5002"), await sentOrder(db, hilltop, "#5003")];
  await sentOrder(db, hilltop, "#5004");
  await addChange(db, o1, editedDetails());
  await addChange(db, o1, refundedDetails(), { handledAt: new Date(), handledBy: "x@winery.test" });
  await addChange(db, o1, cancelledDetails());
  await addChange(db, o2, refundedDetails(), { handledAt: new Date(), handledBy: "x@winery.test" });
  await addChange(db, o3, cancelledDetails());
  await addChange(db, await sentOrder(db, riverbend, "#6001"), cancelledDetails());
});

afterAll(async () => {
  await db.tenant.deleteMany({ where: { id: { in: [hilltop, riverbend] } } });
  await db.$disconnect();
});

async function names(tenantIds: string[] | null, filter: SyncLogFilter, pageSize = 1): Promise<string[]> {
  const seen: string[] = [];
  for await (const page of allSyncLogRows(db, { tenantIds }, filter, pageSize)) seen.push(...page.map((r) => r.orderName));
  return seen.sort();
}

describe("the sync log's 'Changed after sending' filter", () => {
  it("keeps the orders with an open entry, or with any entry, each once across keyset pages, in the wineries in scope", async () => {
    expect(await names([hilltop], { changes: "open" })).toEqual(["#5001", "#5003"]);
    expect(await names([hilltop], { changes: "any" })).toEqual(["#5001", "#5002", "#5003"]);
    expect(await names([hilltop], {})).toEqual(["#5001", "#5002", "#5003", "#5004"]);
    expect(await names([hilltop], { changes: "open", search: "5003" })).toEqual(["#5003"]);
    expect(await names([riverbend], { changes: "any" })).toEqual(["#6001"]);
    expect(await names(null, { changes: "open" }, 50)).toEqual(expect.arrayContaining(["#5001", "#5003", "#6001"]));
    expect(await names(null, { changes: "open" }, 50)).not.toContain("#5002");
    expect((await listSyncLog(db, { tenantIds: [] }, { changes: "open" })).rows).toEqual([]);
  });

  it("exports the same orders as CSV", async () => {
    let csv = "";
    for await (const chunk of syncLogCsv(db, { tenantIds: [hilltop] }, { changes: "open" })) csv += chunk;
    const orders = csv.split("\r\n").slice(1, -1).map((line) => line.split(",")[0]);
    expect(orders.sort()).toEqual(['"#5001"', '"#5003"']);
  });
});
