// Self-service onboarding in the browser: a merchant installs the app from Shopify, the owner's sign-in link arrives
// at the shop's own address, the order placed meanwhile is held, and "Start sending orders" in Settings sends it.
import { randomBytes } from "node:crypto";
import { createShopifyOrder, waitForSync } from "@/e2e/dashboard/helpers";
import { callSimulator, expect, mailUrl, stackInfo, test, uniqueTag } from "@/e2e/fixtures";
import { demoTenants } from "@/simulators/catalog";
import { waitForCaughtMail } from "@/simulators/mail/catcher";
import { demoSeed } from "@/simulators/vintrace/demo-seed";

// Shopify's OAuth library turns away crawlers, and headless Chromium names itself as one: a merchant's browser does not.
test.use({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" });

test("install from Shopify → winery in setup, owner invited at the shop's address, held order sent on going live", async ({ page, db }) => {
  const { appUrl, vintraceUrl } = stackInfo();
  const tag = uniqueTag();
  const shop = `e2e-onboard-${tag}.myshopify.com`;
  const template = demoTenants[0];

  // The install link follows Shopify's grant straight back to our callback, which lands on the install page.
  await page.goto(`${appUrl}/api/shopify/install?shop=${shop}`);
  await expect(page.getByRole("heading", { name: `vintrace-sync is installed on ${shop}` })).toBeVisible();
  await expect(page.getByTestId("owner-invitation")).toContainText(`We sent a sign-in link to o•••@${shop}`);
  const tenant = await db.tenant.findUniqueOrThrow({ where: { shopDomain: shop } });
  expect(tenant.status).toBe("SETUP");

  const mail = await waitForCaughtMail(mailUrl(), `owner@${shop}`);
  const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
  await page.goto(link);
  await page.getByLabel("Choose a password").fill("the-owners-password");
  await page.getByLabel("Repeat the password").fill("the-owners-password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(`owner@${shop}`);

  const order = await createShopifyOrder({ shop, deliver: true, lines: [{ sku: template.products[0].sku, qty: 1 }] });
  const held = await waitForSync(shop, order.gid, (row) => row.status === "HELD");
  expect((await db.orderSync.findUniqueOrThrow({ where: { id: held.id } })).statusReason).toMatch(/setup not finished/);

  // The owner connects vintrace (a customer of the simulator's own), then starts sending orders.
  const code = `e2e-onboard-${tag}`;
  const token = `e2e-token-${tag}-${randomBytes(8).toString("hex")}`;
  await callSimulator(`${vintraceUrl}/${code}/__sim/seed`, "POST", { ...demoSeed(template), tokens: [{ token, permissions: ["read", "sales:write"] }] });
  await page.goto(`${appUrl}/settings?winery=${tenant.id}`);
  await expect(page.getByTestId("go-live")).toContainText("Save the vintrace connection below first.");
  await page.getByLabel("vintrace address").fill(`${vintraceUrl}/${code}`);
  await page.getByLabel("API key").fill(token);
  await page.getByLabel("Customer name").fill(template.customerName);
  await page.getByLabel("Sales price list").fill(template.priceList.name);
  await page.getByLabel("Storage area id").fill(String(template.storageArea.id));
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByRole("button", { name: "Start sending orders" }).click();
  await expect(page.getByTestId("go-live")).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("went-live.png") });

  expect(await waitForSync(shop, order.gid, (row) => row.status === "SYNCED")).toMatchObject({ status: "SYNCED" });
  expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("ACTIVE");
});
