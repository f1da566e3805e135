// CSV files from the dashboard, as a spreadsheet would open them: the browser's own downloads and the server's
// export both start with the UTF-8 byte order mark (so Excel reads "Rosé" right), quote every cell and defuse any
// cell a spreadsheet would run as a formula.
import { readFile } from "node:fs/promises";
import { expect, signIn, stackInfo, test } from "@/e2e/fixtures";
import { createShopifyOrder, query, vintraceControl, waitForSync } from "./helpers";

const FORMULA = '=HYPERLINK("https://evil.example","x")';
const DEFUSED = `"'=HYPERLINK(""https://evil.example"",""x"")"`;
/** A CSV line whose every cell is quoted. */
const QUOTED_LINE = /^"([^"]|"")*"(,"([^"]|"")*")*$/;
/** The UTF-8 byte order mark. */
const BOM_BYTES = [0xef, 0xbb, 0xbf];

test("the product check download, written in the browser, defuses a vintrace name that would run as a formula", async ({ page, tenant, owner }) => {
  // A product the shop and vintrace agree on, renamed in vintrace to a formula: the check lists its name as differing.
  const renamed = tenant.products.find((p) => p.sku === "20CAB750")!;
  await vintraceControl(tenant.vintraceCode, "stock-items", {
    code: renamed.sku,
    description: FORMULA,
    owner: tenant.storageArea.tenantName,
    price: Number(renamed.shopifyPrice),
    distributions: [{ areaId: tenant.storageArea.id, qty: 500, committed: 0 }],
  });
  await signIn(page, owner);
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Products", exact: true }).click();
  await expect(page.getByRole("button", { name: "Run check now" })).toBeEnabled();
  await page.getByRole("button", { name: "Run check now" }).click();
  await expect(page.locator(`[data-testid="product-row"][data-sku="${renamed.sku}"]`)).toContainText(FORMULA, { timeout: 30_000 });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download CSV/ }).click()]);
  const bytes = await readFile(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual(BOM_BYTES);
  const lines = bytes.subarray(3).toString("utf8").split("\r\n").filter(Boolean);
  for (const line of lines) expect(line).toMatch(QUOTED_LINE);
  expect(lines.find((line) => line.startsWith(`"${renamed.sku}"`))).toContain(`,${DEFUSED},`);
});

test("the sync log export, written on the server, defuses cells that would run as formulas", async ({ page, tenant, owner }) => {
  const order = await createShopifyOrder({ shop: tenant.shopDomain, deliver: true });
  await waitForSync(tenant.shopDomain, order.gid, (row) => row.status === "SYNCED");
  await query(`UPDATE "OrderSync" SET "lastErrorMessage" = $3, "statusReason" = '-2+3' WHERE "tenantId" = $1 AND "orderGid" = $2`, [tenant.id, order.gid, FORMULA]);
  await signIn(page, owner);

  const exported = await page.request.get(`${stackInfo().appUrl}/api/export/orders`);
  expect(exported.status()).toBe(200);
  const bytes = await exported.body();
  expect([...bytes.subarray(0, 3)]).toEqual(BOM_BYTES);
  const lines = bytes.subarray(3).toString("utf8").split("\r\n").filter(Boolean);
  for (const line of lines) expect(line).toMatch(QUOTED_LINE);
  const line = lines.find((l) => l.startsWith(`"${order.name}"`));
  expect(line).toContain(`,${DEFUSED},`);
  expect(line).toContain(`,"'-2+3",`);
});
