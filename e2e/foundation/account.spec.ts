import type { Browser, Cookie, Page } from "@playwright/test";
import { waitForCaughtMail } from "@/simulators/mail/catcher";
import { expect, signIn, mailUrl, stackInfo, test } from "@/e2e/fixtures";

/** The dashboard, loaded afresh and settled, so its buttons answer clicks. */
async function settledDashboard(page: Page, path: string, email: string) {
  await page.goto(`${stackInfo().appUrl}${path}`);
  await expect(page.getByTestId("current-user")).toHaveText(email);
  await page.waitForLoadState("networkidle");
}

/** Someone who copied the cookies earlier gets the sign-in page and no data. */
async function expectCookiesDead(browser: Browser, cookies: Cookie[]) {
  const { appUrl } = stackInfo();
  const thief = await browser.newContext();
  await thief.addCookies(cookies);
  const page = await thief.newPage();
  await page.goto(appUrl);
  await expect(page).toHaveURL(/\/login/);
  expect((await thief.request.get(`${appUrl}/api/trpc/tenants.list`)).status()).toBe(401);
  await thief.close();
}

test("change the password (mail arrives), sign out everywhere, and a copy of the old cookie no longer works", async ({ page, browser, staff }) => {
  const { email, password } = staff;
  await signIn(page, staff);
  const copiedCookies = await page.context().cookies();

  await settledDashboard(page, "/account", email);
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill("the-second-password");
  await page.getByLabel("Repeat the new password").fill("the-second-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  const mail = await waitForCaughtMail(mailUrl(), email);
  expect(mail.subject).toBe("Your vintrace-sync password was changed");
  expect(mail.text).toContain("If this wasn't you");
  await page.screenshot({ path: test.info().outputPath("password-changed.png"), fullPage: true });

  // This session survived the change; now end all of them.
  await settledDashboard(page, "/account", email);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expectCookiesDead(browser, copiedCookies);
});

test("signing out ends the session on the server: a copy of the cookie stops working", async ({ page, browser, staff }) => {
  const { email } = staff;
  await signIn(page, staff);
  const copiedCookies = await page.context().cookies();
  await settledDashboard(page, "/", email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await expectCookiesDead(browser, copiedCookies);
});
