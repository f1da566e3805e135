// `npm run demo` as a newcomer first meets it, on a database of its own: the demo script itself (scripts/demo.ts) runs
// against a fresh PostgreSQL database, not the shared browser-test stack, whose demo wineries stay without orders.
// Support's first sign-in shows a failure of every cause on the Overview (saved as the README's picture), the
// Products page shows the product check's mismatches, a group's fix link leads to the fix that sends the order, and
// the order that met a vintrace 503 heals by itself.
import { expect, test, type Page } from "@playwright/test";
import { CAUSE_INFO } from "@/lib/causes";
import { DEMO_LOGINS } from "@/prisma/seed";
import { cleanEnv, startLong, waitFor, type Running } from "@/scripts/check-clone";
import { DEMO_CAUSES } from "@/scripts/demo-scenarios";
import { ordersThatMetATransientError } from "@/scripts/demo-wait";
import { freePort } from "@/scripts/processes";
import { createPrisma, type Db } from "@/server/db";
import { demoTenants } from "@/simulators/catalog";
import { createTestDatabase, type TestDatabase } from "@/test/database";

const SUPPORT = DEMO_LOGINS[0];

let database: TestDatabase;
let db: Db;
let demo: Running;
let appUrl: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // Building is the global setup's; starting the stack and telling the story take about half a minute.
  test.setTimeout(240_000);
  database = await createTestDatabase("demo");
  db = createPrisma(database, 2);
  const [port, vintracePort, shopifyPort, mailPort, smtpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  appUrl = `http://localhost:${port}`;
  // The settings a newcomer's run has, on PostgreSQL: its secrets come from the environment instead of .data/.
  const secrets = Object.fromEntries(["AUTH_SECRET", "ENCRYPTION_KEY", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"].map((name) => [name, process.env[name] ?? ""]));
  const env = cleanEnv({
    ...secrets,
    DATABASE_URL: database.url,
    LOG_LEVEL: "warn",
    PORT: String(port),
    VINTRACE_SIM_PORT: String(vintracePort),
    SHOPIFY_SIM_PORT: String(shopifyPort),
    MAIL_SIM_PORT: String(mailPort),
    MAIL_SIM_SMTP_PORT: String(smtpPort),
  });
  demo = startLong("demo", process.execPath, ["scripts/node24.mjs", "scripts/demo.ts"], { cwd: process.cwd(), env });
  await waitFor("the demo's sign-in banner", async () => (/vintrace-sync is running at/.test(demo.output()) ? true : undefined), 200_000, demo);
});

test.afterAll(async () => {
  await demo?.stop("SIGINT");
  await db?.$disconnect();
  await database?.drop();
});

async function signInAsSupport(page: Page): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await page.getByLabel("Email").fill(SUPPORT.email);
  await page.getByLabel("Password").fill(SUPPORT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(SUPPORT.email);
}

test("the demo says what it placed, and nothing went otherwise than planned", () => {
  expect(demo.output()).toContain("Demo orders: one failure of each cause");
  expect(demo.output()).not.toContain("not as planned");
});

test("support's first sign-in: the Overview groups one failed order of every cause, and River Bend is paused", async ({ page }) => {
  await signInAsSupport(page);
  const titles = page.getByTestId("failure-group-title");
  for (const cause of DEMO_CAUSES) await expect(titles.filter({ hasText: `${CAUSE_INFO[cause].label}: 1 order, 1 winery` })).toHaveCount(1);
  await expect(titles).toHaveCount(DEMO_CAUSES.length);
  await expect(page.getByTestId("winery").filter({ hasText: "River Bend Wines" })).toContainText("Paused");
  await page.screenshot({ path: "docs/demo-overview.png", fullPage: true });
});

test("the Products page shows what the demo's product check found: a SKU vintrace lacks, a name and a price that differ", async ({ page }) => {
  await signInAsSupport(page);
  const hilltop = await db.tenant.findUniqueOrThrow({ where: { shopDomain: demoTenants[0].shopDomain }, select: { id: true } });
  await page.goto(`${appUrl}/products?winery=${hilltop.id}`);
  const rows = page.getByTestId("product-row");
  await expect(rows.and(page.locator('[data-sku="TOTE-NAT"]'))).toHaveAttribute("data-status", "MISSING_IN_VINTRACE");
  await expect(rows.and(page.locator('[data-sku="22PNR750"]'))).toHaveAttribute("data-warnings", "NAME_DIFFERS");
  await expect(rows.and(page.locator('[data-sku="21SHZ1500"]'))).toHaveAttribute("data-warnings", "PRICE_DIFFERS");
});

test("a group's fix link: from the Overview to the order, its fix in Settings, and the order syncs", async ({ page }) => {
  await signInAsSupport(page);
  const group = page.getByTestId("failure-group").filter({ hasText: CAUSE_INFO.NOT_ENOUGH_STOCK.label });
  await group.getByRole("link", { name: "Hilltop Estate (1)" }).click();
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await page.getByTestId("order-row").getByRole("link").first().click();

  await expect(page.getByTestId("order-error")).toContainText("Not enough stock");
  await expect(page.getByTestId("order-error-message")).toContainText("'22CHA750': the order needs 6, 5 available");
  const orderUrl = page.url();
  await page.getByTestId("fix-link").click();
  const setting = page.getByLabel("Send orders even when vintrace shows too little stock");
  await expect(setting).not.toBeChecked();
  await setting.check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("Saved (ignoreStockError). 1 failed order was queued again.");

  await page.goto(orderUrl);
  await expect(page.getByTestId("sales-order-code")).toHaveText(/\S{2,}/, { timeout: 30_000 });
  await expect(page.getByTestId("order-error")).toHaveCount(0);
  const orderSyncId = new URL(orderUrl).pathname.split("/").at(-1);
  expect(await db.orderSync.findUnique({ where: { id: orderSyncId }, select: { status: true } })).toEqual({ status: "SYNCED" });
});

test("the order that met a vintrace 503 heals on its next automatic try", async () => {
  // Its retry comes 30 to 45 seconds after the first try.
  test.setTimeout(90_000);
  await expect
    .poll(() => ordersThatMetATransientError(db), { timeout: 75_000, intervals: [1_000] })
    .toEqual([{ orderName: "#1007", status: "SYNCED", attempts: 2 }]);
});
