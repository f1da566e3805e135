// The dashboard in Chromium, against the app running with both simulators. The tests share one stack, but each
// makes its own wineries and users (e2e/fixtures.ts), so they run alone or in any order.
import type { Page, Response } from "@playwright/test";
import { expect, signIn, stackInfo, test, uniqueTag } from "@/e2e/fixtures";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { createShopifyOrder, query, shopifyOrders, tagsOf, vintraceControl, waitForSync } from "./helpers";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name, exact: true }).click();

/** Every tRPC answer the page receives, to check for secrets. */
function recordTrpcAnswers(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (response: Response) => {
    if (response.url().includes("/api/trpc/")) void response.text().then((t) => bodies.push(t), () => {});
  });
  return bodies;
}

test("bulk retry: the preview says two will be sent, a test order will be skipped, one is not found; confirmed, both are synced and tagged in Shopify", async ({ page, tenant, owner }) => {
  const taken = (await shopifyOrders(tenant.shopDomain)).map((o) => o.name);
  expect(taken, "this test needs the shop's first order numbers").not.toContain("#1001");
  // Created in Shopify only: no webhook reaches the app, so only the retry can bring them in.
  const first = await createShopifyOrder({ shop: tenant.shopDomain, orderNumber: 1001 });
  const second = await createShopifyOrder({ shop: tenant.shopDomain, orderNumber: 1002 });
  const testOrder = await createShopifyOrder({ shop: tenant.shopDomain, orderNumber: 1003, test: true });
  expect([first.name, second.name, testOrder.name]).toEqual(["#1001", "#1002", "#1003"]);

  await signIn(page, owner);
  await nav(page, "Retry");
  await page.getByLabel("Order names").fill("#1001, 1002\n#9999 #1003");
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByTestId("verdict-row")).toHaveCount(4);
  await expect(page.locator('[data-testid="verdict-row"][data-verdict="found"]')).toHaveCount(2);
  const notFound = page.locator('[data-testid="verdict-row"][data-verdict="not_found"]');
  await expect(notFound).toHaveCount(1);
  await expect(notFound).toContainText("#9999");
  // Each row says what will really happen to it.
  await expect(page.locator('[data-testid="verdict-row"][data-verdict="found"]').getByTestId("verdict-outcome")).toHaveText(["will be sent", "will be sent"]);
  await expect(notFound.getByTestId("verdict-outcome")).toHaveText("not found");
  // A Shopify test order: the worker would skip it (Sync test orders is off), and the preview says so.
  const skipped = page.locator('[data-testid="verdict-row"][data-verdict="skipped"]');
  await expect(skipped).toContainText("#1003");
  await expect(skipped.getByTestId("verdict-outcome")).toHaveText("will be skipped: test order");
  await expect(page.getByTestId("preview-counts")).toContainText("2 will be sent");
  await expect(page.getByTestId("preview-counts")).toContainText("1 not found");
  // The preview changed nothing.
  expect(await query(`SELECT id FROM "OrderSync" WHERE "tenantId" = $1 AND "orderGid" IN ($2, $3)`, [tenant.id, first.gid, second.gid])).toHaveLength(0);
  await shot(page, "retry-preview");

  await page.getByRole("button", { name: "Confirm: retry 2 orders" }).click();
  await expect(page.getByTestId("retry-progress")).toHaveText("Done: 2 of 2 orders finished.", { timeout: 45_000 });
  await expect(page.getByTestId("result-row").filter({ hasText: "Synced" })).toHaveCount(2);
  for (const order of [first, second]) {
    await expect.poll(() => tagsOf(tenant.shopDomain, order.gid), { timeout: 20_000 }).toContain(SYNC_TAGS.created);
  }
  await shot(page, "retry-results");
});

test("settings: a wrong customer name is saved, Test connection says did you mean, the name is fixed and saved; no secret reaches the page", async ({ page, tenant, owner }) => {
  const answers = recordTrpcAnswers(page);
  await signIn(page, owner);
  await nav(page, "Settings");
  const customer = page.getByLabel("Customer name");
  await expect(customer).toHaveValue(tenant.customerName);
  await expect(page.getByLabel("API key")).toHaveValue("");
  await expect(page.getByLabel("API key")).toHaveAttribute("placeholder", "•••• set");

  // A bad value is named beside its field, and nothing is saved.
  await page.getByLabel("Currency").fill("XX");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("error-currency")).toContainText("three-letter currency code");
  await page.getByLabel("Currency").fill("AUD");

  await customer.fill("shopify web customer");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("customerName");
  await expect(page.getByTestId("error-currency")).toHaveCount(0);

  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("check-customer")).toContainText(`Did you mean '${tenant.customerName}'?`);
  await shot(page, "settings-did-you-mean");

  await page.getByRole("button", { name: `Use ‘${tenant.customerName}’` }).click();
  await expect(customer).toHaveValue(tenant.customerName);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("check-customer")).toContainText(`Found customer '${tenant.customerName}'`);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("customerName");

  await page.reload();
  await expect(page.getByLabel("Customer name")).toHaveValue(tenant.customerName);
  const [stored] = await query<{ customerName: string; apiKeyEnc: string }>(
    `SELECT v."customerName", v."apiKeyEnc" FROM "VintraceSettings" v JOIN "Tenant" t ON t.id = v."tenantId" WHERE t."shopDomain" = $1`,
    [tenant.shopDomain],
  );
  expect(stored.customerName).toBe(tenant.customerName);
  const changes = await query<{ details: { changes: { field: string; to: unknown }[] } }>(
    `SELECT a.details FROM "AuditEvent" a JOIN "Tenant" t ON t.id = a."tenantId" WHERE t."shopDomain" = $1 AND a.action = 'settings.changed' ORDER BY a."createdAt"`,
    [tenant.shopDomain],
  );
  expect(changes.map((c) => c.details.changes.find((x) => x.field === "customerName")?.to)).toEqual(["shopify web customer", tenant.customerName]);
  await shot(page, "settings-saved");

  // The key, in plaintext or as stored, is nowhere: not in the server's HTML, the live page, or any tRPC answer.
  const secrets = [tenant.vintraceToken, stored.apiKeyEnc, ...stored.apiKeyEnc.split(".").slice(2)];
  const serverHtml = await (await page.request.get(`${stackInfo().appUrl}/settings`)).text();
  expect(serverHtml).toContain("Settings");
  const pageHtml = await page.content();
  expect(answers.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(serverHtml).not.toContain(secret);
    expect(pageHtml).not.toContain(secret);
    for (const answer of answers) expect(answer).not.toContain(secret);
  }
});

test("staff see the vintrace connection read-only, with why, and can still test it and change how orders are sent", async ({ page, tenant, staff }) => {
  await signIn(page, staff);
  await nav(page, "Settings");

  await expect(page.getByTestId("connection-locked")).toContainText("Only an owner of this winery or Winehub support can change the connection");
  for (const label of ["vintrace address", "API key", "Customer name"]) await expect(page.getByLabel(label)).toHaveAttribute("readonly", "");
  await expect(page.getByLabel("Authentication")).toBeDisabled();
  await expect(page.getByLabel("Sales price list")).toBeEditable();
  await expect(page.getByLabel("Currency")).toBeEditable();

  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("check-connection")).toBeVisible();
  await expect(page.getByTestId("check-customer")).toContainText(`Found customer '${tenant.customerName}'`);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("Nothing changed.");
  await shot(page, "settings-staff");
});

test("the product check shows the simulator's three deliberate mismatches", async ({ page, tenant, owner }) => {
  await signIn(page, owner);
  await nav(page, "Products");
  await expect(page.getByRole("button", { name: "Run check now" })).toBeEnabled();
  await page.getByRole("button", { name: "Run check now" }).click();
  await expect(page.getByText(`by ${owner.email}`)).toBeVisible({ timeout: 30_000 });

  const rows = page.getByTestId("product-row");
  await expect(rows).toHaveCount(3, { timeout: 30_000 });
  await expect(page.locator('[data-testid="product-row"][data-sku="TOTE-NAT"]')).toHaveAttribute("data-status", "MISSING_IN_VINTRACE");
  await expect(page.locator('[data-testid="product-row"][data-sku="21SHZ1500"]')).toHaveAttribute("data-warnings", /PRICE_DIFFERS/);
  const renamed = page.locator('[data-testid="product-row"][data-sku="22PNR750"]');
  await expect(renamed).toHaveAttribute("data-warnings", /NAME_DIFFERS/);
  await expect(renamed.getByTestId("name-diff").locator("ins")).toContainText("Reserve");
  await expect(page.getByTestId("filter-matched")).toContainText(String(tenant.products.length - 1));
  await expect(page.getByText(/Last checked just now/)).toBeVisible();
  await shot(page, "product-check");
});

test("an order that failed on an unknown SKU explains itself and links to its fix; once vintrace has the product, a retry succeeds", async ({ page, tenant, owner }) => {
  // Another order first, so that the name filter below has one to leave out.
  const other = await createShopifyOrder({ shop: tenant.shopDomain, deliver: true });
  await waitForSync(tenant.shopDomain, other.gid, () => true);
  const order = await createShopifyOrder({ shop: tenant.shopDomain, lines: [{ sku: "TOTE-NAT", qty: 1 }, { sku: "21SHZ750", qty: 2 }], deliver: true });
  const failed = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "FAILED" && r.tagState === "ERROR");
  expect(failed.lastErrorClass).toBe("VALIDATION");

  await signIn(page, owner);
  await nav(page, "Orders");
  await page.getByLabel("Order name").fill(order.name);
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  // The search reaches the address after a pause; a click before that would be undone by it.
  await expect(page).toHaveURL(/[?&]q=/);
  await page.getByRole("link", { name: order.name, exact: true }).click();

  await expect(page.getByTestId("order-error-message")).toContainText("TOTE-NAT");
  await expect(page.getByTestId("order-error")).toContainText("Unknown stock code");
  const fix = page.getByTestId("fix-link");
  await expect(fix).toHaveText("Fix it on the Products page →");
  await expect(fix).toHaveAttribute("href", `/products?winery=${tenant.id}&sku=TOTE-NAT`);
  await expect(page.getByTestId("tag-state")).toContainText(SYNC_TAGS.error);
  await expect(page.getByTestId("attempt").first()).toBeVisible();
  await page.getByTestId("attempt").filter({ hasText: "Sent the sales order" }).locator("summary", { hasText: "Response" }).click();
  await expect(page.getByTestId("attempt").filter({ hasText: "Sent the sales order" }).locator("pre").last()).toContainText("TOTE-NAT");
  await shot(page, "order-failed-unknown-sku");

  await fix.click();
  await expect(page).toHaveURL(/\/products\?winery=/);
  await expect(page.getByRole("heading", { name: "Products" })).toBeVisible();
  await page.goBack();

  // The product is added in vintrace; the retry then goes through.
  await vintraceControl(tenant.vintraceCode, "stock-items", {
    code: "TOTE-NAT",
    description: "Canvas Tote",
    owner: tenant.storageArea.tenantName,
    price: 15,
    distributions: [{ areaId: tenant.storageArea.id, qty: 500, committed: 0 }],
  });
  await page.getByRole("button", { name: "Retry", exact: true }).click();
  // The scheduled product check may find the new stock code first and queue the order again by itself; either way
  // the order is on its way.
  await expect(page.getByTestId("retry-result")).toContainText(/Queued|Another sync of this order started meanwhile/);
  await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "SYNCED" && r.tagState === "CREATED");
  await expect(page.getByTestId("sales-order-code")).toHaveText(/^VSO\d+$/, { timeout: 15_000 });
  await expect(page.getByTestId("order-error")).toHaveCount(0);
  await expect.poll(() => tagsOf(tenant.shopDomain, order.gid)).toContain(SYNC_TAGS.created);
  expect(await tagsOf(tenant.shopDomain, order.gid)).not.toContain(SYNC_TAGS.error);
  await shot(page, "order-retried");
});

test("an order whose every product line is ignored is not sent as shipping alone; its page and the overview name the cause and link to the ignore rules", async ({ page, tenant, owner }) => {
  // The winery is this test's own: its settings need no restoring afterwards.
  await query(`UPDATE "VintraceSettings" SET "shippingPolicy" = 'STOCK_CODE', "shippingStockCode" = 'FREIGHT', "ignoredSkus" = ARRAY['TOTE-NAT'] WHERE "tenantId" = $1`, [tenant.id]);
  const order = await createShopifyOrder({ shop: tenant.shopDomain, lines: [{ sku: "TOTE-NAT", qty: 1 }], deliver: true });
  const failed = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "FAILED" && r.tagState === "ERROR");
  expect(failed).toMatchObject({ lastErrorClass: "VALIDATION", vintraceSalesOrderCode: null });
  expect(await tagsOf(tenant.shopDomain, order.gid)).toContain(SYNC_TAGS.error);

  await signIn(page, owner);
  const group = page.getByTestId("failure-group").filter({ hasText: "No product lines to send" });
  await expect(group.getByTestId("failure-group-title")).toHaveText("No product lines to send: 1 order");
  await expect(group.getByTestId("failure-group-fix")).toHaveAttribute("href", `/products?winery=${tenant.id}#ignore-rules`);

  // A product check has run, as it does every night: its results fill the Products page, so the ignore rules start
  // below the fold and the fix link must scroll to them.
  await nav(page, "Products");
  await expect(page.getByRole("button", { name: "Run check now" })).toBeEnabled();
  await page.getByRole("button", { name: "Run check now" }).click();
  await expect(page.getByTestId("product-row").first()).toBeVisible({ timeout: 30_000 });

  await page.goto(`${stackInfo().appUrl}/orders/${failed.id}?winery=${tenant.id}`);
  await expect(page.getByTestId("order-error")).toContainText("(No product lines to send)");
  await expect(page.getByTestId("order-error-message")).toContainText("SKU 'TOTE-NAT' is on your ignore list");
  await expect(page.getByTestId("order-error")).toContainText("retry it by hand");
  const fix = page.getByTestId("fix-link");
  await expect(fix).toHaveAttribute("href", `/products?winery=${tenant.id}#ignore-rules`);
  await shot(page, "order-failed-no-product-lines");

  await fix.click();
  await expect(page).toHaveURL(/\/products\?winery=.*#ignore-rules$/);
  await expect(page.getByRole("form", { name: "Ignore rules" })).toBeInViewport();
  // The page was scrolled to the rules (they start below the fold at this size).
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await shot(page, "order-failed-no-product-lines-fix");
});

test("support staff see failures grouped by cause across wineries, and open the group's orders", async ({ page, tenant: hilltop, newTenant, support }) => {
  const riverbend = await newTenant({ name: "River Bend Wines" });
  // vintrace refuses the key once for each winery: both orders fail with the same cause.
  for (const tenant of [hilltop, riverbend]) {
    await vintraceControl(tenant.vintraceCode, "faults", { match: "POST /sales-order", status: 401, body: { message: "Invalid token" } });
  }
  const orders = [
    { shop: hilltop.shopDomain, order: await createShopifyOrder({ shop: hilltop.shopDomain, deliver: true }) },
    { shop: riverbend.shopDomain, order: await createShopifyOrder({ shop: riverbend.shopDomain, deliver: true }) },
  ];
  for (const { shop, order } of orders) {
    const row = await waitForSync(shop, order.gid, (r) => r.status === "FAILED");
    expect(row.lastErrorClass).toBe("AUTH");
  }

  // Support staff see every winery, other tests' too: the group counts every winery's refused orders, as the
  // database has them, and names each of ours with its one order.
  const [all] = await query<{ orders: number; tenants: number }>(
    `SELECT count(*)::int AS orders, count(DISTINCT "tenantId")::int AS tenants FROM "OrderSync" WHERE status = 'FAILED' AND "lastErrorClass" = 'AUTH'`,
  );
  expect(all.orders).toBeGreaterThanOrEqual(2);
  expect(all.tenants).toBeGreaterThanOrEqual(2);

  await signIn(page, support);
  await expect(page.getByRole("heading", { name: "All wineries" })).toBeVisible();
  const group = page.getByTestId("failure-group").filter({ hasText: "vintrace refused the API key" });
  await expect(group.getByTestId("failure-group-title")).toHaveText(`vintrace refused the API key: ${all.orders} orders, ${all.tenants} wineries`);
  await expect(group).toContainText(`${hilltop.name} (1)`);
  await expect(group).toContainText(`${riverbend.name} (1)`);
  const failing = page.getByTestId("warning").filter({ hasText: "The vintrace connection is failing" });
  for (const tenant of [hilltop, riverbend]) await expect(failing.filter({ hasText: tenant.name })).toHaveCount(1);
  await shot(page, "support-failure-groups");

  await group.getByRole("link", { name: `Open the ${all.orders} orders →` }).click();
  await expect(page).toHaveURL(/cause=AUTH/);
  const rows = page.getByTestId("order-row");
  await expect(rows).toHaveCount(all.orders);
  await expect(rows.filter({ hasText: hilltop.name })).toHaveCount(1);
  await expect(rows.filter({ hasText: riverbend.name })).toHaveCount(1);
  await shot(page, "support-group-orders");
});

test("a merchant signs in and sees only their winery", async ({ page, newTenant, newLogin }) => {
  const riverbend = await newTenant({ name: "River Bend Wines" });
  const hilltop = await newTenant();
  // Each winery has an order of its own, synced.
  for (const tenant of [riverbend, hilltop]) {
    const order = await createShopifyOrder({ shop: tenant.shopDomain, deliver: true });
    await waitForSync(tenant.shopDomain, order.gid, (row) => row.status === "SYNCED");
  }
  const owner = await newLogin("owner", riverbend);
  await signIn(page, owner);
  await expect(page.getByTestId("winery")).toHaveCount(1);
  await expect(page.getByTestId("winery")).toContainText(riverbend.name);
  await expect(page.getByTestId("winery-name")).toHaveText(riverbend.name);
  await expect(page.getByLabel("Winery", { exact: true })).toHaveCount(0);
  await expect(page.getByText(hilltop.name)).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Wineries" })).toHaveCount(0);
  await shot(page, "merchant-overview");
  await page.setViewportSize({ width: 820, height: 1100 });
  await shot(page, "merchant-overview-tablet");
  await page.setViewportSize({ width: 1280, height: 800 });

  await nav(page, "Orders");
  const [{ count }] = await query<{ count: number }>(
    `SELECT count(*)::int AS count FROM "OrderSync" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t."shopDomain" = $1`,
    [riverbend.shopDomain],
  );
  expect(count).toBeGreaterThan(0);
  await expect(page.getByTestId("order-row")).toHaveCount(count);
  await expect(page.getByText(hilltop.name)).toHaveCount(0);

  // Hilltop's pages, orders and export are closed to River Bend's owner, however they are reached.
  const hilltopId = hilltop.id;
  const [hilltopOrder] = await query<{ id: string }>(`SELECT id FROM "OrderSync" WHERE "tenantId" = $1 LIMIT 1`, [hilltopId]);
  for (const path of [`/settings?winery=${hilltopId}`, `/orders/${hilltopOrder.id}?winery=${hilltopId}`, `/products?winery=${hilltopId}`]) {
    await page.goto(`${stackInfo().appUrl}${path}`);
    await expect(page.getByText("No such winery", { exact: true })).toBeVisible();
    await expect(page.getByText(hilltop.name)).toHaveCount(0);
  }
  await page.goto(`${stackInfo().appUrl}/orders/${hilltopOrder.id}`);
  await expect(page.getByText("No such order", { exact: true })).toBeVisible();
  expect((await page.request.get(`${stackInfo().appUrl}/api/export/orders?winery=${hilltopId}`)).status()).toBe(403);
  const ownExport = await page.request.get(`${stackInfo().appUrl}/api/export/orders`);
  expect(ownExport.status()).toBe(200);
  expect(await ownExport.text()).not.toContain(hilltop.name);
  await page.goto(`${stackInfo().appUrl}/wineries`);
  await expect(page.getByText("Support staff only")).toBeVisible();
  await shot(page, "merchant-no-access");
});

test("an owner invites staff and removes a user, whose open session ends at once; both land in the audit log", async ({ page, browser, owner, staff }) => {
  const invitee = `new-sommelier-${uniqueTag()}@hilltop.test`;

  // The staff member is signed in elsewhere, and only sees the users, without managing them.
  const staffContext = await browser.newContext();
  const staffPage = await staffContext.newPage();
  await signIn(staffPage, staff);
  await staffPage.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(staffPage.getByText("Only an owner of this winery can invite or remove users.")).toBeVisible();
  await expect(staffPage.getByRole("button", { name: "Send invitation" })).toHaveCount(0);

  await signIn(page, owner);
  // A change of settings first, for the audit log's filter to find.
  await nav(page, "Settings");
  await page.getByLabel("Currency").fill("NZD");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toContainText("currency");

  await nav(page, "Users");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("error-invite-email")).toContainText("email");
  await page.getByLabel("Email").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(/Invitation sent\. The link works once and expires/)).toBeVisible();
  await expect(page.getByRole("list", { name: "Invitations" })).toContainText(invitee);

  const row = page.getByTestId("member-row").filter({ hasText: staff.email });
  await row.getByRole("button", { name: "Remove…" }).click();
  await row.getByRole("button", { name: `Remove ${staff.email}` }).click();
  await expect(page.getByText(`Removed ${staff.email}; their sessions have ended.`)).toBeVisible();
  await expect(page.getByTestId("member-row").filter({ hasText: staff.email })).toHaveCount(0);
  await shot(page, "users");

  await staffPage.reload();
  await expect(staffPage).toHaveURL(/\/login/);
  await staffContext.close();

  await nav(page, "Audit log");
  await expect(page.getByTestId("audit-row").filter({ hasText: "user.removed" })).toContainText(staff.email);
  await expect(page.getByTestId("audit-row").filter({ hasText: "invitation.sent" })).toContainText(invitee);
  await page.getByLabel("Action", { exact: true }).selectOption("settings.");
  await expect(page.getByTestId("audit-row").first()).toContainText("settings.changed");
  await expect(page.getByTestId("audit-row").filter({ hasText: "user.removed" })).toHaveCount(0);
  await shot(page, "audit-log");
});

test("support staff add a winery, with the shop domain checked beside its field, and get its install link", async ({ page, support }) => {
  const tag = uniqueTag();
  const name = `Creek Side Cellars ${tag}`;
  const shop = `creek-side-${tag}.myshopify.com`;
  await signIn(page, support);
  await nav(page, "Wineries");
  await page.getByLabel("Winery name").fill(name);
  await page.getByLabel("Shopify shop").fill("creek side");
  await page.getByRole("button", { name: "Add winery" }).click();
  await expect(page.getByTestId("error-new-shop")).toContainText("myshopify.com");
  await page.getByLabel("Shopify shop").fill(shop);
  await page.getByRole("button", { name: "Add winery" }).click();
  await expect(page.getByText(`Added ${name}.`, { exact: false })).toBeVisible();
  const card = page.getByTestId("winery-card").filter({ hasText: name });
  await expect(card).toContainText("not connected");
  await card.getByRole("button", { name: "Connect shop" }).click();
  await expect(card.getByTestId("install-link")).toHaveAttribute("href", `/api/shopify/install?shop=${shop}`);
  await shot(page, "wineries");
});

test("support see where a winery in setup is, and that it is stuck, on the Wineries list and the Overview", async ({ page, tenant, support }) => {
  await query(`UPDATE "Tenant" SET status = 'SETUP', "setupStep" = 'PRODUCTS', "setupStepSince" = now() - interval '4 days 1 hour' WHERE id = $1`, [tenant.id]);
  await signIn(page, support);
  await nav(page, "Wineries");
  const card = page.getByTestId("winery-card").filter({ hasText: tenant.name });
  await expect(card.getByTestId("setup-progress")).toHaveText("Setup step: Products, for 4 days stuck");
  await nav(page, "Overview");
  const row = page.getByTestId("winery").filter({ hasText: tenant.name });
  await expect(row.getByTestId("setup-progress")).toHaveText("Setup step: Products, for 4 days stuck");
  await shot(page, "setup-stuck");
});
