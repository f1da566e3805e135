// Accessibility in Chromium: every page passes axe with no serious or critical violation, and the forms people use
// most work with the keyboard alone (Tab, Shift+Tab, Enter, Space), with the focus always visible.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, signIn, stackInfo, test, uniqueTag, type Login } from "@/e2e/fixtures";
import { hashToken } from "@/server/crypto";
import { addChange, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-change-entries";
import { createShopifyOrder, shopifyOrders, waitForSync } from "./helpers";

const url = (path: string) => `${stackInfo().appUrl}${path}`;

/** Waits until the page has drawn its data: a heading, and no loading state left. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator('[role="status"][aria-live="polite"]').filter({ hasText: /…$/ })).toHaveCount(0);
}

/**
 * Runs axe on the page as it is now, once `ready` (what shows the page's data) is visible. A serious or critical
 * violation fails the test (softly, so every page gets listed); the moderate and minor ones go to an attachment.
 */
async function checkPage(page: Page, name: string, ready?: Locator): Promise<void> {
  await settled(page);
  if (ready) await expect(ready.first()).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).analyze();
  const describe = (v: (typeof violations)[number]) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`;
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const lesser = violations.filter((v) => !serious.includes(v));
  if (lesser.length > 0) {
    const file = test.info().outputPath(`axe-lesser-${name.replace(/\W+/g, "-")}.txt`);
    await writeFile(file, lesser.map(describe).join("\n"));
    await test.info().attach(`axe-lesser-${name}`, { path: file, contentType: "text/plain" });
  }
  expect.soft(serious.map(describe), `axe on ${name}`).toEqual([]);
}

const randomToken = () => randomBytes(24).toString("base64url");

test("every page has no serious or critical axe violation", async ({ page, browser, db, tenant, owner, support }) => {
  test.setTimeout(240_000);

  // Pages for someone not signed in, with a live invitation and a live reset link.
  const inviteToken = randomToken();
  await db.invitation.create({
    data: { email: `a11y-${uniqueTag()}@hilltop.test`, tenantId: tenant.id, tokenHash: hashToken(inviteToken), expiresAt: new Date(Date.now() + 60 * 60_000) },
  });
  const resetToken = randomToken();
  await db.passwordReset.create({ data: { userId: owner.id, tokenHash: hashToken(resetToken), expiresAt: new Date(Date.now() + 60 * 60_000) } });
  for (const [name, path] of [
    ["sign-in", "/login"],
    ["forgot password", "/forgot-password"],
    ["invitation", `/invite/${inviteToken}`],
    ["password reset", `/reset-password/${resetToken}`],
  ]) {
    await page.goto(url(path));
    await checkPage(page, name);
  }

  // A failed order, so the overview, the orders table and the order page have something to show.
  const order = await createShopifyOrder({ shop: tenant.shopDomain, lines: [{ sku: "TOTE-NAT", qty: 1 }], deliver: true });
  const failed = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "FAILED");
  // A sent order that Shopify edited and refunded since, for the "Changed after sending" list and its order's page.
  const changed = await sentOrder(db, tenant.id, "#2001");
  await addChange(db, changed, editedDetails());
  await addChange(db, changed, refundedDetails(), { handledAt: new Date(), handledBy: owner.email, handledNote: "Credit note raised in vintrace" });

  await signIn(page, owner);
  const w = `winery=${tenant.id}`;
  await checkPage(page, "overview (owner)", page.getByTestId("failure-group"));
  await page.goto(url(`/products?${w}`));
  await page.getByRole("button", { name: "Run check now" }).click();
  await expect(page.getByTestId("product-row").first()).toBeVisible({ timeout: 30_000 });
  await checkPage(page, "products");
  for (const [name, path, ready] of [
    ["orders", `/orders?${w}`, page.getByTestId("order-row")],
    ["order", `/orders/${failed.id}?${w}`, page.getByTestId("order-error")],
    ["changed after sending", `/changes?${w}&state=all`, page.getByTestId("change-entry")],
    ["order changed after sending", `/orders/${changed.id}?${w}`, page.getByTestId("order-changes")],
    ["retry", `/retry?${w}`, page.getByLabel("Order names")],
    ["settings", `/settings?${w}`, page.getByLabel("Customer name")],
    ["users", `/users?${w}`, page.getByRole("main").getByText(owner.email)],
    ["alerts", `/alerts?${w}`],
    ["audit", `/audit?${w}`, page.getByRole("table")],
    ["account", "/account"],
  ] as const) {
    await page.goto(url(path));
    await checkPage(page, name, ready);
  }

  const context = await browser.newContext();
  const staffPage = await context.newPage();
  await signIn(staffPage, support);
  await checkPage(staffPage, "overview (support)", staffPage.getByTestId("winery"));
  await staffPage.goto(url(`/?${w}`));
  await checkPage(staffPage, "overview of a winery (support)");
  await staffPage.goto(url("/wineries"));
  await checkPage(staffPage, "wineries", staffPage.getByRole("main").getByText(tenant.name));
  await context.close();
});

// ---- the keyboard alone ----

/**
 * Whether the focused element shows its focus: an outline, or a ring (a box shadow) it does not have unfocused. An
 * unfocused copy placed beside it gives the look without the focus, so the focus is never moved to find out.
 */
const focusShows = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || !el.parentNode) return false;
    const focused = getComputedStyle(el);
    if (focused.outlineStyle !== "none" && parseFloat(focused.outlineWidth) > 0) return true;
    const copy = el.cloneNode(false) as Element;
    copy.removeAttribute("id");
    el.parentNode.insertBefore(copy, el.nextSibling);
    const plain = getComputedStyle(copy).boxShadow;
    copy.remove();
    return focused.boxShadow !== "none" && focused.boxShadow !== plain;
  });

/** Presses Tab (or Shift+Tab) until `target` has the focus, checking at every stop that the focus can be seen. */
async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const here = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} “${(el.textContent ?? "").trim().slice(0, 40)}”` : "nothing";
    });
    expect(await focusShows(page), `the focus on ${here} is visible`).toBe(true);
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${max} presses of ${back ? "Shift+Tab" : "Tab"} never reached ${target.toString()}`);
}

/** Replaces the focused field's text by keyboard. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

async function signInByKeyboard(page: Page, login: Login): Promise<void> {
  await page.goto(url("/login"));
  await tabTo(page, page.getByLabel("Email"));
  await page.keyboard.type(login.email);
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type("wrong password");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "The email or password is wrong." })).toBeVisible();
  // Back to the password with Shift+Tab from the button.
  await tabTo(page, page.getByRole("button", { name: "Sign in" }));
  await tabTo(page, page.getByLabel("Password"), { back: true });
  await retype(page, login.password);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("current-user")).toHaveText(login.email);
}

test("keyboard only: sign in, then save the settings", async ({ page, tenant, owner }) => {
  await signInByKeyboard(page, owner);
  await page.goto(url(`/settings?winery=${tenant.id}`));
  const customer = page.getByLabel("Customer name");
  await expect(customer).toHaveValue(tenant.customerName);
  await tabTo(page, customer);
  await retype(page, "shopify web customer");
  await tabTo(page, page.getByRole("button", { name: "Save settings" }));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("settings-saved")).toContainText("customerName");
  await page.reload();
  await expect(page.getByLabel("Customer name")).toHaveValue("shopify web customer");
});

test("keyboard only: retry pasted order names, preview, confirm", async ({ page, tenant, owner }) => {
  expect((await shopifyOrders(tenant.shopDomain)).map((o) => o.name), "this test needs the shop's first order number").not.toContain("#1001");
  const order = await createShopifyOrder({ shop: tenant.shopDomain, orderNumber: 1001 });
  await signInByKeyboard(page, owner);
  await page.goto(url(`/retry?winery=${tenant.id}`));
  await tabTo(page, page.getByLabel("Order names"));
  await page.keyboard.type("#1001 #9999");
  await tabTo(page, page.getByRole("button", { name: "Preview" }));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("preview-counts")).toContainText("1 will be sent · 0 will be skipped · 0 already in vintrace · 0 in progress · 1 not found");
  const confirm = page.getByRole("button", { name: "Confirm: retry 1 order" });
  await tabTo(page, confirm);
  await page.keyboard.press("Space");
  await expect(page.getByTestId("retry-progress")).toHaveText("Done: 1 of 1 orders finished.", { timeout: 45_000 });
  await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "SYNCED");
});

test("keyboard only: invite a user", async ({ page, tenant, owner }) => {
  await signInByKeyboard(page, owner);
  await page.goto(url(`/users?winery=${tenant.id}`));
  const invitee = `keyboard-${uniqueTag()}@hilltop.test`;
  const form = page.getByRole("form", { name: "Invite a user" });
  await tabTo(page, form.getByLabel("Email"));
  await page.keyboard.type(invitee);
  await tabTo(page, form.getByLabel("Role"));
  await page.keyboard.press("ArrowDown");
  await expect(form.getByLabel("Role")).toHaveValue("OWNER");
  await tabTo(page, form.getByRole("button", { name: "Send invitation" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.getByText(invitee).first()).toBeVisible();
});
