import type { Page } from "@playwright/test";
import { expect, stackInfo, test, type Login } from "@/e2e/fixtures";

// A sign-in link can be crafted by anyone; after signing in the browser must stay on this app whatever it says.

async function signInWithCallback(page: Page, owner: Login, callbackUrl: string): Promise<void> {
  await page.goto(`${stackInfo().appUrl}/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const callbackUrl of ["//evil.example", "/\\evil.example", "/%2F/evil.example"]) {
  test(`signing in from /login?callbackUrl=${callbackUrl} lands on the app's own origin`, async ({ page, owner }) => {
    await signInWithCallback(page, owner, callbackUrl);
    await expect(page).toHaveURL(`${stackInfo().appUrl}/`);
    await expect(page.getByTestId("current-user")).toHaveText(owner.email);
  });
}

test("signing in follows a callbackUrl that is a path on this app", async ({ page, owner }) => {
  await signInWithCallback(page, owner, "/orders");
  await expect(page).toHaveURL(`${stackInfo().appUrl}/orders`);
});
