// Self-service onboarding in the browser, the whole path against the simulators: a merchant installs the app from
// Shopify, the owner's sign-in link arrives at the shop's own address, the first sign-in lands on the setup wizard,
// and the wizard connects vintrace, checks the products, chooses how orders are sent, previews the order held
// meanwhile and goes live; the held order is sent, and a new order placed in Shopify is synced and tagged. The test
// counts the clicks the path takes and times it, and prints both.
import { randomBytes } from "node:crypto";
import type { Locator } from "@playwright/test";
import { createShopifyOrder, tagsOf, waitForSync } from "@/e2e/dashboard/helpers";
import { callSimulator, expect, mailUrl, stackInfo, test, uniqueTag } from "@/e2e/fixtures";
import { demoTenants } from "@/simulators/catalog";
import { waitForCaughtMail } from "@/simulators/mail/catcher";
import { demoSeed } from "@/simulators/vintrace/demo-seed";

// Shopify's OAuth library turns away crawlers, and headless Chromium names itself as one: a merchant's browser does not.
test.use({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" });

const escaped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

test("install from Shopify → owner invited → the setup wizard → live: held and new orders are sent and tagged", async ({ page, db }) => {
  test.setTimeout(180_000);
  const { appUrl, vintraceUrl } = stackInfo();
  const tag = uniqueTag();
  const shop = `e2e-onboard-${tag}.myshopify.com`;
  const template = demoTenants[0];
  const sku = template.products[0].sku;
  // Every click of the merchant's: in the app, and on the two links they open (the install link in Shopify, the
  // link in the mail). Shopify's real grant screen asks for one more ("Install"), which the simulator grants by itself.
  let clicks = 0;
  const click = async (target: Locator) => {
    clicks++;
    await target.click();
  };
  const follow = async (link: string) => {
    clicks++;
    await page.goto(link);
  };
  const snapshot = (name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  const started = Date.now();

  // The install link follows Shopify's grant straight back to our callback, which lands on the install page.
  await follow(`${appUrl}/api/shopify/install?shop=${shop}`);
  await expect(page.getByRole("heading", { name: `vintrace-sync is installed on ${shop}` })).toBeVisible();
  await expect(page.getByTestId("owner-invitation")).toContainText(`We sent a sign-in link to o•••@${shop}`);
  const tenant = await db.tenant.findUniqueOrThrow({ where: { shopDomain: shop } });
  expect(tenant).toMatchObject({ status: "SETUP", setupStep: "CONNECT" });

  // An order placed while the winery is being set up is stored and held.
  const held = await createShopifyOrder({ shop, deliver: true, lines: [{ sku, qty: 1 }] });
  expect(await waitForSync(shop, held.gid, (row) => row.status === "HELD")).toMatchObject({ status: "HELD" });

  // The owner's first sign-in, straight from the mail, lands on the wizard.
  const mail = await waitForCaughtMail(mailUrl(), `owner@${shop}`);
  const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
  await follow(link);
  await page.getByLabel("Choose a password").fill("the-owners-password");
  await page.getByLabel("Repeat the password").fill("the-owners-password");
  await click(page.getByRole("button", { name: "Set password and sign in" }));
  await expect(page.getByRole("heading", { name: `Set up ${shop}` })).toBeVisible();
  await expect(page).toHaveURL(/\/setup\?winery=/);
  await expect(page.getByRole("link", { name: "Set up" })).toBeVisible();

  // 1. Connect vintrace (a customer of the simulator's own), the customer's spelling taken from "did you mean".
  const code = `e2e-onboard-${tag}`;
  const token = `e2e-token-${tag}-${randomBytes(8).toString("hex")}`;
  await callSimulator(`${vintraceUrl}/${code}/__sim/seed`, "POST", { ...demoSeed(template), tokens: [{ token, permissions: ["read", "sales:write"] }] });
  await page.getByLabel("vintrace address").fill(`${vintraceUrl}/${code}`);
  await page.getByLabel("API key").fill(token);
  await page.getByLabel("Customer name").fill(template.customerName.toLowerCase());
  await page.getByLabel("Sales price list").fill(template.priceList.name);
  await page.getByLabel("Storage area id").fill(String(template.storageArea.id));
  await click(page.getByRole("button", { name: "Test connection" }));
  await click(page.getByRole("button", { name: `Use ‘${template.customerName}’` }));
  await click(page.getByRole("button", { name: "Save settings" }));
  await expect(page.getByTestId("settings-saved")).toBeVisible();
  await snapshot("1-connect");
  await click(page.getByRole("button", { name: "Continue" }));

  // 2. Products: the check runs (a worker takes it), its mismatches are left, and the owner is told what will fail.
  await click(page.getByRole("button", { name: "Run check now" }));
  await expect(page.getByTestId("products-left")).toContainText("will fail", { timeout: 60_000 });
  await snapshot("2-products");
  await click(page.getByRole("button", { name: "Continue with these left" }));

  // 3. How orders are sent: the defaults, each saying where it came from.
  await expect(page.getByText("Your recent Shopify orders had prices including tax")).toBeVisible();
  await snapshot("3-sending");
  await click(page.getByRole("button", { name: "Save and continue" }));

  // 4. Preview: the held order, as the exact sales order that will be sent. Nothing is sent yet.
  await click(page.getByRole("checkbox", { name: escaped(held.name) }));
  await click(page.getByRole("button", { name: "Preview 1 order" }));
  const preview = page.locator(`[data-testid="order-preview"][data-order="${held.name}"]`);
  await expect(preview).toHaveAttribute("data-outcome", "send");
  await expect(preview.getByTestId("preview-body")).toContainText(`"itemName": "${sku}"`);
  await expect(preview.getByTestId("preview-body")).toContainText(`"customerName": "${template.customerName}"`);
  expect((await db.orderSync.findFirstOrThrow({ where: { tenantId: tenant.id, orderGid: held.gid } })).status).toBe("HELD");
  await snapshot("4-preview");
  await click(page.getByRole("button", { name: "Continue" }));

  // 5. Go live: the bulk retry's preview says the held order will be sent; confirming starts sending.
  await expect(page.getByTestId("go-live-preview").getByTestId("verdict-row")).toContainText([held.name]);
  await expect(page.getByTestId("go-live-preview").getByTestId("verdict-outcome")).toHaveText(["will be sent"]);
  await snapshot("5-go-live");
  await click(page.getByRole("button", { name: /Start sending orders/ }));
  await expect(page.getByTestId("setup-finished")).toBeVisible();
  await expect(page.getByTestId("went-live-result")).toContainText("1 held order was queued");
  await snapshot("went-live");

  expect(await waitForSync(shop, held.gid, (row) => row.status === "SYNCED")).toMatchObject({ status: "SYNCED" });
  const later = await createShopifyOrder({ shop, deliver: true, lines: [{ sku, qty: 2 }] });
  expect(await waitForSync(shop, later.gid, (row) => row.status === "SYNCED" && row.tagState === "CREATED")).toMatchObject({ status: "SYNCED" });
  expect(await tagsOf(shop, later.gid)).toContain("vintrace-order-created");
  expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "ACTIVE", setupStep: null });

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`onboarding path: ${clicks} clicks (the install and mail links included), ${seconds} s from the install link to the new order tagged`);
  test.info().annotations.push({ type: "onboarding", description: `${clicks} clicks, ${seconds} s` });
});
