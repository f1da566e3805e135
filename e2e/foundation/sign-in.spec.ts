import { expect, signIn, stackInfo, test } from "@/e2e/fixtures";

test("a winery owner signs in and sees only their own winery", async ({ page, tenant, owner, newTenant }) => {
  const other = await newTenant({ name: "River Bend Wines" });
  await signIn(page, owner);
  const tenants = page.getByTestId("winery");
  await expect(tenants).toHaveCount(1);
  await expect(tenants.first()).toContainText(tenant.name);
  await expect(page.getByText(other.name)).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("merchant-wineries.png"), fullPage: true });
});

test("support staff sign in and see every winery", async ({ page, tenant, newTenant, support }) => {
  const other = await newTenant({ name: "River Bend Wines" });
  await signIn(page, support);
  // Every winery is listed, other tests' too; these two are this test's own.
  await expect(page.getByTestId("winery").filter({ hasText: tenant.name })).toBeVisible();
  await expect(page.getByTestId("winery").filter({ hasText: other.name })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("support-wineries.png"), fullPage: true });
});

test("a wrong password says only that the email or password is wrong", async ({ page, owner }) => {
  await page.goto(`${stackInfo().appUrl}/login`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toHaveText("The email or password is wrong.");
  await page.screenshot({ path: test.info().outputPath("wrong-password.png") });
});

test("signed-out visitors are sent to the sign-in page", async ({ page }) => {
  await page.goto(stackInfo().appUrl);
  await expect(page).toHaveURL(/\/login/);
});
