import type { Browser } from "@playwright/test";
import { hashToken } from "@/server/crypto";
import { waitForCaughtMail } from "@/simulators/mail/catcher";
import { expect, mailUrl, signIn, stackInfo, test } from "@/e2e/fixtures";

// Invitations and password resets end to end: the mail is read from the stack's SMTP catcher (E2E_MAIL_URL).

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function linkIn(text: string, path: "invite" | "reset-password"): string {
  const match = new RegExp(`https?://\\S+/${path}/[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no /${path}/ link in the mail:\n${text}`);
  return match[0];
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test("an owner invites staff; the invitee sets a password from the mail, is signed in, and the link then refuses reuse", async ({ page, browser, tenant, owner }) => {
  const invitee = `new-staff-${unique()}@hilltop.test`;
  await signIn(page, owner);
  await page.goto(`${stackInfo().appUrl}/users`);
  await page.locator("#invite-email").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();

  const mail = await waitForCaughtMail(mailUrl(), invitee);
  expect(mail.subject).toContain(tenant.name);
  const link = linkIn(mail.text, "invite");

  const { context, page: guest } = await freshPage(browser);
  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: `Join ${tenant.name}` })).toBeVisible();
  await guest.getByLabel("Your name (optional)").fill("New Staff");
  await guest.getByLabel("Choose a password").fill("a-brand-new-password");
  await guest.getByLabel("Repeat the password").fill("a-brand-new-password");
  await guest.screenshot({ path: test.info().outputPath("accept-invitation.png") });
  await guest.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(guest.getByTestId("current-user")).toHaveText(invitee);

  await guest.goto(link);
  await expect(guest.getByTestId("link-problem")).toHaveAttribute("data-state", "used");
  await expect(guest.getByRole("heading", { name: "This invitation has already been used" })).toBeVisible();
  await guest.screenshot({ path: test.info().outputPath("invitation-used.png") });
  await context.close();
});

test("an expired invitation link gets a clear page", async ({ page, db }) => {
  const token = `expired${unique()}${"x".repeat(30)}`;
  await db.invitation.create({
    data: { email: `late-${unique()}@hilltop.test`, role: "SUPPORT", tokenHash: hashToken(token), expiresAt: new Date(Date.now() - 60_000) },
  });
  await page.goto(`${stackInfo().appUrl}/invite/${token}`);
  await expect(page.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await expect(page.getByText("Invitation links work for 7 days.")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("invitation-expired.png") });
});

test("forgot password → reset from the mail → signed in; the old session ends and the link refuses reuse", async ({ page, browser, staff }) => {
  const { email } = staff;

  // A session opened before the reset, on another device.
  const other = await freshPage(browser);
  await signIn(other.page, staff);

  await page.goto(`${stackInfo().appUrl}/login`);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses that address");
  const mail = await waitForCaughtMail(mailUrl(), email);
  const link = linkIn(mail.text, "reset-password");

  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("the-new-password-2");
  await page.getByLabel("Repeat the new password").fill("the-new-password-2");
  await page.screenshot({ path: test.info().outputPath("reset-password.png") });
  await page.getByRole("button", { name: "Set new password and sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);

  await other.page.reload();
  await expect(other.page).toHaveURL(/\/login/);
  await other.context.close();

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This reset link has already been used" })).toBeVisible();
});

test("forgot password answers the same for an unknown email, and sends it nothing", async ({ page }) => {
  const nobody = `nobody-${unique()}@nowhere.test`;
  await page.goto(`${stackInfo().appUrl}/forgot-password`);
  await page.getByLabel("Email").fill(nobody);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "If an account uses that address, we have sent it a link to choose a new password. The link works once, for 1 hour.",
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const res = await fetch(`${mailUrl()}/messages.json?to=${encodeURIComponent(nobody)}`);
  expect(await res.json()).toEqual([]);
});

test("a user opts in on their Account page, sends a test alert from the Alerts page, and gets it by mail", async ({ page, tenant, owner }) => {
  await signIn(page, owner);
  await page.goto(`${stackInfo().appUrl}/account`);
  const box = page.getByLabel(`Email me ${tenant.name}'s failure alerts`);
  await box.check();
  await expect(box).toBeChecked();
  await expect(box).toBeEnabled();
  await page.reload();
  await expect(page.getByLabel(`Email me ${tenant.name}'s failure alerts`)).toBeChecked();

  await page.goto(`${stackInfo().appUrl}/alerts`);
  await expect(page.getByTestId("mail-recipients")).toContainText(owner.email);
  await page.getByRole("button", { name: "Send a test alert" }).click();
  await expect(page.getByTestId("test-alert-result")).toContainText(`Sent to ${owner.email}`);
  const mail = await waitForCaughtMail(mailUrl(), owner.email, (m) => m.subject.includes("test alert"));
  expect(mail.subject).toBe(`${tenant.name}: test alert from vintrace-sync`);
  await expect(page.getByTestId("alert-row").first()).toContainText("test alert from vintrace-sync");
  await page.screenshot({ path: test.info().outputPath("alerts-page.png"), fullPage: true });
});
