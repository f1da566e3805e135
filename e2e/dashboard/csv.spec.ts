// CSV files from the dashboard, as a spreadsheet would open them: the browser's own downloads and the server's
// export both quote every cell and defuse any cell a spreadsheet would run as a formula.
import { readFile } from "node:fs/promises";
import { demoLogin, expect, loginAs, stackInfo, test } from "@/e2e/fixtures";
import { createShopifyOrder, query, riverbend } from "./helpers";

test("the retry results download and the sync log export defuse cells that would run as formulas", async ({ page }) => {
  const order = await createShopifyOrder({ shop: riverbend.shopDomain });
  const owner = demoLogin("owner@riverbend.test");
  await loginAs(page, owner.email, owner.password);
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Retry", exact: true }).click();
  await page.getByLabel("Order names").fill(`${order.name}\n=1+2`);
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Confirm: retry 1 order" }).click();
  await expect(page.getByTestId("retry-progress")).toHaveText("Done: 1 of 1 orders finished.", { timeout: 45_000 });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  const browserCsv = await readFile(await download.path(), "utf8");
  const lines = browserCsv.split("\r\n");
  expect(lines[0]).toBe('"Name","Verdict","Action","Status","vintrace sales order","Tag","Error","Message"');
  expect(lines.find((line) => line.startsWith(`"'=1+2"`))).toBeDefined();
  expect(lines.find((line) => line.startsWith(`"${order.name}"`))).toBeDefined();

  await query(`UPDATE "OrderSync" SET "lastErrorMessage" = '@SUM(1,2)', "statusReason" = '-2+3' WHERE "orderGid" = $1`, [order.gid]);
  const exported = await page.request.get(`${stackInfo().appUrl}/api/export/orders`);
  expect(exported.status()).toBe(200);
  const line = (await exported.text()).split("\r\n").find((l) => l.startsWith(`"${order.name}"`));
  expect(line).toContain(`"'@SUM(1,2)"`);
  expect(line).toContain(`"'-2+3"`);
  expect(line).toMatch(/^("([^"]|"")*",)*"([^"]|"")*"$/);
});
