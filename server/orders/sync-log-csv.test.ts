import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { syncLogCsv } from "./sync-log-csv";

const db = createPrisma();
const stamp = Date.now().toString(36);
let tenantId: string;

beforeAll(async () => {
  tenantId = (await db.tenant.create({ data: { name: "=Evil Estate", shopDomain: `csv-${stamp}.myshopify.com` } })).id;
  await db.orderSync.create({
    data: {
      tenantId,
      orderGid: "gid://shopify/Order/1",
      orderName: '=HYPERLINK("https://evil.example","x")',
      source: "WEBHOOK",
      status: "FAILED",
      attempts: 2,
      statusReason: "\tcmd",
      lastErrorClass: "VALIDATION",
      lastErrorMessage: "@SUM(1,2)",
      lastErrorFix: "+products",
      vintraceSalesOrderCode: "-2+3",
      orderCreatedAt: new Date("2026-01-02T03:04:05Z"),
      createdAt: new Date("2026-01-02T03:05:00Z"),
    },
  });
});

afterAll(async () => {
  await db.tenant.delete({ where: { id: tenantId } });
  await db.$disconnect();
});

describe("the sync log export", () => {
  it("quotes every cell and defuses every cell a spreadsheet would run as a formula", async () => {
    let csv = "";
    for await (const chunk of syncLogCsv(db, { tenantIds: [tenantId] }, {})) csv += chunk;
    expect(csv.split("\r\n")).toEqual([
      '\uFEFF"Order","Winery","Status","Reason","Error class","Error","Fix in","vintrace sales order","Tag","Attempts","Order placed","Received","Synced"',
      '"\'=HYPERLINK(""https://evil.example"",""x"")","\'=Evil Estate","FAILED","\'\tcmd","VALIDATION","\'@SUM(1,2)","\'+products","\'-2+3","NONE","2","2026-01-02T03:04:05.000Z","2026-01-02T03:05:00.000Z",""',
      "",
    ]);
  });
});
