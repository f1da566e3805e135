// CSV files from the dashboard, as a spreadsheet would open them: the browser's own downloads and the server's
// export both quote every cell and defuse any cell a spreadsheet would run as a formula.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { demoLogin, expect, loginAs, stackInfo, test } from "@/e2e/fixtures";
import { createShopifyOrder, query, riverbend, vintraceControl, waitForSync } from "./helpers";

const FORMULA = '=HYPERLINK("https://evil.example","x")';
const DEFUSED = `"'=HYPERLINK(""https://evil.example"",""x"")"`;
/** A CSV line whose every cell is quoted. */
const QUOTED_LINE = /^"([^"]|"")*"(,"([^"]|"")*")*$/;

async function signInAsRiverBend(page: Page): Promise<void> {
  const owner = demoLogin("owner@riverbend.test");
  await loginAs(page, owner.email, owner.password);
}

test("the product check download, written in the browser, defuses a vintrace name that would run as a formula", async ({ page }) => {
  await vintraceControl(riverbend.vintraceCode, "stock-items", {
    code: "RB-PORT-10",
    description: FORMULA,
    owner: riverbend.storageArea.wineryName,
    price: 45,
    distributions: [{ areaId: riverbend.storageArea.id, qty: 500, committed: 0 }],
  });
  await signInAsRiverBend(page);
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Products", exact: true }).click();
  await expect(page.getByRole("button", { name: "Run check now" })).toBeEnabled();
  await page.getByRole("button", { name: "Run check now" }).click();
  await expect(page.locator('[data-testid="product-row"][data-sku="RB-PORT-10"]')).toContainText(FORMULA, { timeout: 30_000 });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download CSV/ }).click()]);
  const lines = (await readFile(await download.path(), "utf8")).split("\r\n").filter(Boolean);
  for (const line of lines) expect(line).toMatch(QUOTED_LINE);
  expect(lines.find((line) => line.startsWith('"RB-PORT-10"'))).toContain(`,${DEFUSED},`);
});

test("the sync log export, written on the server, defuses cells that would run as formulas", async ({ page }) => {
  const order = await createShopifyOrder({ shop: riverbend.shopDomain, deliver: true });
  await waitForSync(riverbend.shopDomain, order.gid, (row) => row.status === "SYNCED");
  await query(`UPDATE "OrderSync" SET "lastErrorMessage" = $2, "statusReason" = '-2+3' WHERE "orderGid" = $1`, [order.gid, FORMULA]);
  await signInAsRiverBend(page);

  const exported = await page.request.get(`${stackInfo().appUrl}/api/export/orders`);
  expect(exported.status()).toBe(200);
  const lines = (await exported.text()).replace(/^\uFEFF/, "").split("\r\n").filter(Boolean);
  for (const line of lines) expect(line).toMatch(QUOTED_LINE);
  const line = lines.find((l) => l.startsWith(`"${order.name}"`));
  expect(line).toContain(`,${DEFUSED},`);
  expect(line).toContain(`,"'-2+3",`);
});
