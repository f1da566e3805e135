// A refusal explains itself and links to the exact field that fixes it; saving the field sends the order by itself.
import { expect, signIn, stackInfo, test } from "@/e2e/fixtures";
import { createShopifyOrder, query, waitForSync } from "./helpers";

test("not enough stock: the order names the cause and links to the stock setting; turning it on sends the order by itself", async ({ page, tenant, owner }) => {
  // More than the simulator's demo stock of the wine.
  const order = await createShopifyOrder({ shop: tenant.shopDomain, lines: [{ sku: "21SHZ750", qty: 100_001 }], deliver: true });
  const failed = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "FAILED");

  await signIn(page, owner);
  await page.goto(`${stackInfo().appUrl}/orders/${failed.id}?winery=${tenant.id}`);
  await expect(page.getByTestId("order-error")).toContainText("Not enough stock");
  await expect(page.getByTestId("order-error-message")).toContainText("'21SHZ750': the order needs 100001");
  await expect(page.getByTestId("vintrace-words")).toContainText("Insufficient stock for '21SHZ750'");
  const fix = page.getByTestId("fix-link");
  await expect(fix).toHaveAttribute("href", `/settings?winery=${tenant.id}#ignoreStockError`);
  await fix.click();

  const setting = page.getByLabel("Send orders even when vintrace shows too little stock");
  await expect(setting).not.toBeChecked();
  await setting.check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("Saved (ignoreStockError). 1 failed order was queued again.");

  const synced = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "SYNCED");
  expect(synced.vintraceSalesOrderCode).toBeTruthy();
  const audits = await query<{ details: { trigger: string; fields: string[]; orders: string[] } }>(
    `SELECT details FROM "AuditEvent" WHERE "tenantId" = $1 AND action = 'orders.fix_retry'`,
    [tenant.id],
  );
  expect(audits.map((a) => a.details)).toEqual([expect.objectContaining({ trigger: "settings-change", fields: ["ignoreStockError"], orders: [order.name] })]);
});
