import { demoLogin, expect, loginAs, stackInfo, test } from "@/e2e/fixtures";

test("a winery owner signs in and sees only their own winery", async ({ page }) => {
  const owner = demoLogin("owner@hilltop.test");
  await loginAs(page, owner.email, owner.password);
  const wineries = page.getByTestId("winery");
  await expect(wineries).toHaveCount(1);
  await expect(wineries.first()).toContainText("Hilltop Estate");
  await expect(page.getByText("River Bend Wines")).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("merchant-wineries.png"), fullPage: true });
});

test("support staff sign in and see every winery", async ({ page }) => {
  const support = demoLogin("support@winehub.test");
  await loginAs(page, support.email, support.password);
  await expect(page.getByTestId("winery").filter({ hasText: "Hilltop Estate" })).toBeVisible();
  await expect(page.getByTestId("winery").filter({ hasText: "River Bend Wines" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("support-wineries.png"), fullPage: true });
});

test("a wrong password says only that the email or password is wrong", async ({ page }) => {
  await page.goto(`${stackInfo().appUrl}/login`);
  await page.getByLabel("Email").fill("owner@riverbend.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toHaveText("The email or password is wrong.");
  await page.screenshot({ path: test.info().outputPath("wrong-password.png") });
});

test("signed-out visitors are sent to the sign-in page", async ({ page }) => {
  await page.goto(stackInfo().appUrl);
  await expect(page).toHaveURL(/\/login/);
});
