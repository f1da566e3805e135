import type { Browser, Cookie } from "@playwright/test";
import { hashPassword } from "@/server/auth/password";
import { createPrisma } from "@/server/db";
import { waitForCaughtMail } from "@/simulators/mail/catcher";
import { expect, loginAs, mailUrl, stackInfo, test } from "@/e2e/fixtures";

test("change the password (mail arrives), sign out everywhere, and a copy of the old cookie no longer works", async ({ page, browser }) => {
  const { appUrl, databaseUrl } = stackInfo();
  const email = `account-${Date.now().toString(36)}@hilltop.test`;
  const db = createPrisma(databaseUrl);
  const tenant = await db.tenant.findFirstOrThrow({ where: { name: "Hilltop Estate" } });
  await db.user.create({ data: { email, passwordHash: await hashPassword("the-first-password"), memberships: { create: { tenantId: tenant.id, role: "STAFF" } } } });
  await db.$disconnect();

  await loginAs(page, email, "the-first-password");
  const copiedCookies = await page.context().cookies();

  await page.goto(`${appUrl}/account`);
  await page.getByLabel("Current password").fill("the-first-password");
  await page.getByLabel("New password", { exact: true }).fill("the-second-password");
  await page.getByLabel("Repeat the new password").fill("the-second-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  const mail = await waitForCaughtMail(mailUrl(), email);
  expect(mail.subject).toBe("Your vintrace-sync password was changed");
  expect(mail.text).toContain("If this wasn't you");
  await page.screenshot({ path: test.info().outputPath("password-changed.png"), fullPage: true });

  // This session survived the change; now end all of them.
  await page.reload();
  await expect(page.getByTestId("current-user")).toHaveText(email);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);

  await expectSignedOut(browser, copiedCookies);

  // The plain "Sign out" ends the session on the server as well, not only in this browser.
  await loginAs(page, email, "the-second-password");
  const again = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await expectSignedOut(browser, again);
});

/** Someone who copied the cookies earlier gets the sign-in page and no data. */
async function expectSignedOut(browser: Browser, cookies: Cookie[]) {
  const { appUrl } = stackInfo();
  const thief = await browser.newContext();
  await thief.addCookies(cookies);
  const page = await thief.newPage();
  await page.goto(appUrl);
  await expect(page).toHaveURL(/\/login/);
  expect((await thief.request.get(`${appUrl}/api/trpc/tenants.list`)).status()).toBe(401);
  await thief.close();
}
