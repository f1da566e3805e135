import type { Page } from "@playwright/test";
import { demoLogin, expect, stackInfo, test } from "@/e2e/fixtures";

// A sign-in link can be crafted by anyone; after signing in the browser must stay on this app whatever it says.

async function signInWithCallback(page: Page, callbackUrl: string): Promise<void> {
  const owner = demoLogin("owner@hilltop.test");
  await page.goto(`${stackInfo().appUrl}/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const callbackUrl of ["//evil.example", "/\\evil.example", "/%2F/evil.example"]) {
  test(`signing in from /login?callbackUrl=${callbackUrl} lands on the app's own origin`, async ({ page }) => {
    await signInWithCallback(page, callbackUrl);
    await expect(page).toHaveURL(`${stackInfo().appUrl}/`);
    await expect(page.getByTestId("current-user")).toHaveText("owner@hilltop.test");
  });
}

test("signing in follows a callbackUrl that is a path on this app", async ({ page }) => {
  await signInWithCallback(page, "/orders");
  await expect(page).toHaveURL(`${stackInfo().appUrl}/orders`);
});
