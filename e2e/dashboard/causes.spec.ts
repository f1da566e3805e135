// Every cause a vintrace refusal is diagnosed as, in the browser: the order fails for real against the simulators
// (a wrong setting, a SKU vintrace does not know, or words vintrace was made to say), its page names the cause and
// explains it, its fix link points at the exact field or page, the fix is made there by hand, and the order goes
// through by itself, the retry audited. Words no check recognised are for support: the winery is told to tell
// them, and support retries once they have read them, from the order's page or from the Overview.
import type { Locator, Page } from "@playwright/test";
import { expect, signIn, stackInfo, test, uniqueTag, type Login, type Tenant } from "@/e2e/fixtures";
import { CAUSE_INFO, type Cause, type SettingsFieldId } from "@/lib/causes";
import { encryptSecret } from "@/server/crypto";
import type { Prisma } from "@/server/generated/prisma/client";
import { clearFaults, failOrder, fixRetryAudits, refuseNextSalesOrder, waitForSync } from "./helpers";

type Lines = { sku: string; qty: number }[];

const WINE: Lines = [{ sku: "21SHZ750", qty: 1 }];
const orderUrl = (tenant: Tenant, orderSyncId: string) => `${stackInfo().appUrl}/orders/${orderSyncId}?winery=${tenant.id}`;

interface CauseCase {
  cause: Cause;
  /** what the test shows, after the cause's name */
  title: string;
  lines: Lines;
  /** the settings as they stood when the order arrived, wrong in the way that makes this refusal */
  wrong?: (tenant: Tenant) => Prisma.VintraceSettingsUpdateInput;
  /** in the page's account of what went wrong */
  message: string;
  /** in vintrace's own words, as the page quotes them */
  words: string;
  /** where the fix link points, for this winery */
  href: (tenant: Tenant) => string;
  /** the Settings field the link lands on: in view and focused, ready for the fix */
  field?: SettingsFieldId;
  /** the fix, made by hand on the page the link opened; it says the order was queued again */
  fix: (page: Page, tenant: Tenant) => Promise<void>;
  /** what the audit record of the retry says set it off */
  retried: Record<string, unknown>;
}

/** Replaces what a field holds, from the keyboard. */
async function retype(field: Locator, value: string) {
  await field.click();
  await field.press("ControlOrMeta+a");
  await field.pressSequentially(value);
}

/**
 * The fix of a Settings field: the field the link's fragment names is set as `set` does, and saving says only that
 * field changed and the order was queued again.
 */
function inSettings(id: SettingsFieldId, set: (field: Locator, tenant: Tenant) => Promise<void>): Pick<CauseCase, "href" | "field" | "fix" | "retried"> {
  return {
    href: (tenant) => `/settings?winery=${tenant.id}#${id}`,
    field: id,
    fix: async (page, tenant) => {
      await set(page.locator(`#${id}`), tenant);
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByTestId("settings-saved")).toHaveText(`Saved (${id}). 1 failed order was queued again.`);
    },
    retried: { trigger: "settings-change", fields: [id] },
  };
}

const typed = (wrong: string, right: (tenant: Tenant) => string) => async (field: Locator, tenant: Tenant) => {
  await expect(field).toHaveValue(wrong);
  await retype(field, right(tenant));
};

const vintraceAddress = (code: string) => `${stackInfo().vintraceUrl}/${code}`;

const CASES: CauseCase[] = [
  {
    cause: "UNKNOWN_STOCK_CODE",
    title: "the link opens Products on the SKU; mapping it to a vintrace code sends the order",
    lines: [{ sku: "TOTE-NAT", qty: 1 }],
    message: "vintrace has no stock item with code 'TOTE-NAT'",
    words: "Stock item 'TOTE-NAT' not found",
    href: (tenant) => `/products?winery=${tenant.id}&sku=TOTE-NAT`,
    fix: async (page) => {
      const map = page.getByRole("form", { name: "Add a SKU mapping" });
      await expect(map.getByLabel("Shopify SKU")).toHaveValue("TOTE-NAT");
      await retype(map.getByLabel("vintrace code"), "21SHZ750");
      await map.getByRole("button", { name: "Save mapping" }).click();
      await expect(page.getByText("Saved. 1 failed order was queued again.")).toBeVisible();
    },
    retried: { trigger: "product-fix" },
  },
  {
    cause: "CUSTOMER_NOT_FOUND",
    title: "the link opens the customer name; correcting it sends the order",
    lines: WINE,
    wrong: () => ({ customerName: "Web Orders" }),
    message: "vintrace has no customer named exactly 'Web Orders'",
    words: "Customer 'Web Orders' not found",
    ...inSettings("customerName", typed("Web Orders", (tenant) => tenant.customerName)),
  },
  {
    cause: "PRICE_LIST_NOT_FOUND",
    title: "the link opens the sales price list; correcting it sends the order",
    lines: WINE,
    wrong: () => ({ salesPriceList: "Wholesale 2026" }),
    message: "vintrace has no sales price list named as the one in Settings",
    words: "Sales price list 'Wholesale 2026' not found",
    ...inSettings("salesPriceList", typed("Wholesale 2026", (tenant) => tenant.priceList.name)),
  },
  {
    cause: "STORAGE_AREA_REFUSED",
    title: "the link opens the storage area; choosing the one the stock is in sends the order",
    lines: WINE,
    wrong: () => ({ storageAreaId: 41 }),
    message: "Storage area 41 holds none of this order's stock items",
    words: "Storage area 41 not found",
    ...inSettings("storageAreaId", typed("41", (tenant) => String(tenant.storageArea.id))),
  },
  {
    cause: "NOT_ENOUGH_STOCK",
    title: "the link opens the stock setting; turning it on sends the order",
    // More than the simulator's demo stock of the wine.
    lines: [{ sku: "21SHZ750", qty: 100_001 }],
    message: "'21SHZ750': the order needs 100001",
    words: "Insufficient stock for '21SHZ750'",
    ...inSettings("ignoreStockError", async (field) => {
      await expect(field).toHaveAccessibleName(/Send orders even when vintrace shows too little stock/);
      await expect(field).not.toBeChecked();
      await field.check();
    }),
  },
  {
    cause: "NOT_FOUND",
    title: "the link opens the vintrace address; correcting the customer code in it sends the order",
    lines: WINE,
    wrong: (tenant) => ({ baseUrl: vintraceAddress(`no-${tenant.vintraceCode}`) }),
    message: "vintrace has no",
    words: "Unknown customer 'no-e2e-",
    ...inSettings("baseUrl", async (field, tenant) => {
      await expect(field).toHaveValue(vintraceAddress(`no-${tenant.vintraceCode}`));
      await retype(field, vintraceAddress(tenant.vintraceCode));
    }),
  },
  {
    cause: "AUTH",
    title: "the link opens the API key; entering the right one sends the order",
    lines: WINE,
    wrong: (tenant) => ({ apiKeyEnc: encryptSecret(`revoked-${tenant.vintraceToken}`, { tenantId: tenant.id, column: "VintraceSettings.apiKeyEnc" }) }),
    message: "vintrace did not accept the API key",
    words: "Token is not provided",
    ...inSettings("apiKey", typed("", (tenant) => tenant.vintraceToken)),
  },
];

/** Signs in and opens the order's page, which names the cause and explains it in the page's words. */
async function openFailedOrder(page: Page, login: Login, tenant: Tenant, orderSyncId: string, cause: Cause) {
  await signIn(page, login);
  await page.goto(orderUrl(tenant, orderSyncId));
  await expect(page.getByTestId("order-error")).toContainText(`(${CAUSE_INFO[cause].label})`);
}

/** The order went through by itself, and the one retry that sent it is audited as `retried` says. */
async function syncsAfterFix(tenant: Tenant, order: { gid: string; name: string }, retried: Record<string, unknown>, by: string) {
  const synced = await waitForSync(tenant.shopDomain, order.gid, (r) => r.status === "SYNCED");
  expect(synced.vintraceSalesOrderCode).toBeTruthy();
  expect(await fixRetryAudits(tenant.id)).toEqual([{ actorEmail: by, details: expect.objectContaining({ ...retried, requeued: 1, orders: [order.name] }) }]);
}

for (const c of CASES) {
  test(`${CAUSE_INFO[c.cause].label}: ${c.title}`, async ({ page, db, tenant, owner }) => {
    if (c.wrong) await db.vintraceSettings.update({ where: { tenantId: tenant.id }, data: c.wrong(tenant) });
    const { order, failed } = await failOrder(tenant.shopDomain, c.lines);

    await openFailedOrder(page, owner, tenant, failed.id, c.cause);
    await expect(page.getByTestId("order-error-message")).toContainText(c.message);
    await expect(page.getByTestId("vintrace-words")).toContainText(c.words);
    const link = page.getByTestId("fix-link");
    await expect(link).toHaveAttribute("href", c.href(tenant));
    await link.click();
    await expect(page).toHaveURL(`${stackInfo().appUrl}${c.href(tenant)}`);
    if (c.field) {
      await expect(page.locator(`#${c.field}`)).toBeFocused();
      await expect(page.locator(`#${c.field}`)).toBeInViewport();
    }
    await c.fix(page, tenant);

    await syncsAfterFix(tenant, order, c.retried, owner.email);
  });
}

test("a Settings fix link lands on its field when only the fragment changes, too", async ({ page, tenant, owner }) => {
  await signIn(page, owner);
  await page.goto(`${stackInfo().appUrl}/settings?winery=${tenant.id}#customerName`);
  await expect(page.locator("#customerName")).toBeFocused();
  // A link to another fragment of the page: the router pushes it (which fires no hashchange)…
  await page.evaluate(() => history.pushState(history.state, "", "#ignoreStockError"));
  await expect(page.locator("#ignoreStockError")).toBeFocused();
  // …or the browser follows it itself.
  await page.evaluate(() => (window.location.hash = "#salesPriceList"));
  await expect(page.locator("#salesPriceList")).toBeFocused();
  await expect(page.locator("#salesPriceList")).toBeInViewport();
});

const UNRECOGNISED = CAUSE_INFO.UNRECOGNISED.label;
/** Words no check recognises, new for each test: support's retry from the Overview takes every order in them. */
const closedPeriod = () => `Sales orders cannot be dated in a closed accounting period (${uniqueTag()})`;

test(`${UNRECOGNISED}: the owner reads them and is told to tell support; support retries the order from its page`, async ({ page, tenant, owner, support }) => {
  const words = closedPeriod();
  await refuseNextSalesOrder(tenant.vintraceCode, words);
  const { order, failed } = await failOrder(tenant.shopDomain, WINE);

  await openFailedOrder(page, owner, tenant, failed.id, "UNRECOGNISED");
  await expect(page.getByTestId("vintrace-words")).toHaveText(words);
  await expect(page.getByTestId("tell-support")).toContainText("Tell support.");
  await expect(page.getByTestId("fix-link")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry after review" })).toHaveCount(0);
  // The Overview's group of them says the same, with no retry of the owner's own.
  await page.goto(`${stackInfo().appUrl}/?winery=${tenant.id}`);
  const group = page.getByTestId("failure-group").filter({ hasText: UNRECOGNISED });
  await expect(group.getByTestId("failure-group-tell-support")).toContainText("Tell support.");
  await expect(group.getByRole("button")).toHaveCount(0);

  // Support opens the same page where the refusal's fix points (vintrace's words); once they have read them and
  // the cause is gone, they retry it there.
  await page.context().clearCookies();
  await openFailedOrder(page, support, tenant, failed.id, "UNRECOGNISED");
  await expect(page.locator("#vintrace-words")).toContainText(words);
  await expect(page.getByTestId("tell-support")).toHaveCount(0);
  await clearFaults(tenant.vintraceCode);
  await page.getByRole("button", { name: "Retry after review" }).click();
  await expect(page.getByTestId("retry-after-review-result")).toHaveText("Queued again after review: it syncs shortly.");

  await syncsAfterFix(tenant, order, { trigger: "support-review", cause: "UNRECOGNISED", orderSyncId: failed.id, vintraceText: words }, support.email);
  await expect(page.getByTestId("sales-order-code")).not.toHaveText("—");
});

test(`${UNRECOGNISED}: support retries every order refused in the same words, across wineries, from the Overview`, async ({ page, tenant, newTenant, support }) => {
  const words = closedPeriod();
  const wineries = [tenant, await newTenant()];
  const orders = [];
  for (const winery of wineries) {
    await refuseNextSalesOrder(winery.vintraceCode, words);
    orders.push((await failOrder(winery.shopDomain, WINE)).order);
  }

  await signIn(page, support);
  await page.goto(`${stackInfo().appUrl}/`);
  const text = page.getByTestId("failure-group-texts").getByRole("listitem").filter({ hasText: words });
  await expect(text).toContainText(`${words}: 2 orders, 2 wineries`);
  for (const winery of wineries) await clearFaults(winery.vintraceCode);
  await text.getByRole("button", { name: "Retry after review" }).click();
  await expect(page.getByTestId("words-retry-result")).toHaveText(`Queued again: 2 orders in 2 wineries refused in the words “${words}”.`);

  for (const [i, winery] of wineries.entries()) {
    await syncsAfterFix(winery, orders[i], { trigger: "support-review", cause: "UNRECOGNISED", vintraceText: words }, support.email);
  }
  await expect(text).toHaveCount(0);
});
