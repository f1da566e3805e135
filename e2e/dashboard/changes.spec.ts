// "Changed after sending" in Chromium: entries written to the database as the worker writes them, then read, filtered
// and marked handled through the dashboard the way a winery's owner does.
import type { Page } from "@playwright/test";
import { expect, signIn, test } from "@/e2e/fixtures";
import { addChange, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-change-entries";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
const navLink = (page: Page, name: string | RegExp) => page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name });

test("an owner reads an edit line by line, marks it handled with a note; it moves to handled, the audit log and the order's page show it", async ({ page, db, tenant, owner }) => {
  const edited = await sentOrder(db, tenant.id, "#1001", "SO-E2E-1001");
  await addChange(db, edited, editedDetails());
  const refunded = await sentOrder(db, tenant.id, "#1002", "SO-E2E-1002");
  await addChange(db, refunded, refundedDetails());
  const note = "Sales order changed in vintrace: 1 Shiraz, tote off, Cabernet on, express shipping";

  await signIn(page, owner);
  await expect(page.getByTestId("open-changes-count")).toContainText("2");
  await navLink(page, /^Changed after sending/).click();
  await expect(page.getByRole("heading", { level: 1, name: "Changed after sending" })).toBeVisible();

  const entry = page.getByTestId("change-entry").filter({ hasText: "Order #1001" });
  await expect(entry).toContainText("Edited");
  await expect(entry).toContainText("SO-E2E-1001");
  const lines = entry.getByTestId("line-diff");
  await expect(lines).toHaveCount(3);
  await expect(lines.filter({ hasText: "2021 Shiraz - 750ml" })).toContainText("2 × 35.00 − 7.00 discount");
  await expect(lines.filter({ hasText: "2021 Shiraz - 750ml" })).toContainText("1 × 35.00 − 3.50 discount");
  await expect(lines.filter({ hasText: "2021 Shiraz - 750ml" })).toContainText("Changed: quantity 2 → 1, discount 7.00 → 3.50");
  await expect(lines.filter({ hasText: "Canvas Tote" })).toContainText("Removed");
  await expect(lines.filter({ hasText: "2019 Cabernet - 750ml" })).toContainText("Added");
  await expect(entry.getByTestId("other-diff")).toContainText("Shipping");
  await expect(entry.getByTestId("other-diff")).toContainText("Standard 10.00 → now Express 15.00");
  await expect(page.getByTestId("change-entry").filter({ hasText: "Order #1002" })).toContainText("Refunded 45.00 AUD in total, in 2 refunds");
  await shot(page, "changes-open");

  await entry.getByLabel("Note (optional)").fill(note);
  await entry.getByRole("button", { name: "Mark handled in vintrace" }).click();
  const done = page.getByTestId("handled-notice");
  await expect(done).toHaveText("Order #1001 (edited) is marked handled in vintrace.");
  await expect(done).toBeFocused();
  await expect(page.getByTestId("change-entry").filter({ hasText: "Order #1001" })).toHaveCount(0);
  await expect(page.getByTestId("open-changes-count")).toContainText("1");

  await page.getByRole("radio", { name: "Handled" }).check();
  const handled = page.getByTestId("change-entry").filter({ hasText: "Order #1001" });
  await expect(handled.getByTestId("change-handled")).toContainText(`Handled in vintrace by ${owner.email}`);
  await expect(handled.getByTestId("change-handled")).toContainText(`Note: ${note}`);
  await expect(handled.getByRole("button", { name: "Mark handled in vintrace" })).toHaveCount(0);
  await shot(page, "changes-handled");

  // The order's page shows the same entry, handled.
  await handled.getByRole("link", { name: "Order #1001" }).click();
  const section = page.getByTestId("order-changes");
  await expect(section.getByRole("heading", { name: "Changed after sending" })).toBeVisible();
  await expect(section.getByTestId("change-handled")).toContainText(`Note: ${note}`);

  // The sync log's filter keeps only the order still waiting.
  await navLink(page, "Orders").click();
  await page.getByLabel("Changed after sending").selectOption("open");
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row")).toContainText("#1002");
  await page.getByLabel("Changed after sending").selectOption("any");
  await expect(page.getByTestId("order-row")).toHaveCount(2);

  await navLink(page, "Audit log").click();
  const audit = page.getByTestId("audit-row").filter({ hasText: "orders.change_handled" });
  await expect(audit).toHaveCount(1);
  await expect(audit).toContainText(owner.email);
  await audit.getByText("All details").click();
  await expect(audit).toContainText(note);
  await expect(audit).toContainText('"orderName": "#1001"');
  await expect(audit).toContainText('"kind": "EDITED"');
});
