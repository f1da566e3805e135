import { randomBytes } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { createPrisma, type DatabaseRuntime, type Db } from "@/server/db";
import { createTenant, createUser } from "@/server/tenants/service";
import { demoTenants, type DemoTenant } from "@/simulators/catalog";
import { demoSeed } from "@/simulators/vintrace/demo-seed";

// The browser tests' world. Every test makes what it needs through Playwright fixtures: a winery of its own (a
// fresh shop on the Shopify simulator, a fresh customer on the vintrace simulator, and the winery created by the
// app's own service, connected to both) and users of its own (owner, staff, support), so any test runs alone, twice,
// or in any order. The demo wineries and logins the stack seeds are for people trying the app, not for tests.

export { expect };

export interface StackInfo {
  appUrl: string;
  vintraceUrl: string;
  shopifyUrl: string;
  databaseUrl: string;
  /** the stack's database, for a client of the test's own */
  database: DatabaseRuntime;
}

export function stackInfo(): StackInfo {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the browser tests through playwright.config.ts (its global setup starts the stack)`);
    return value;
  };
  return {
    appUrl: need("E2E_APP_URL"),
    vintraceUrl: need("E2E_VINTRACE_URL"),
    shopifyUrl: need("E2E_SHOPIFY_URL"),
    databaseUrl: need("DATABASE_URL"),
    database: { url: need("DATABASE_URL"), embedded: process.env.EMBEDDED_DB === "1" },
  };
}

/** Where the stack's mail catcher shows what it caught. */
export function mailUrl(): string {
  const url = process.env.E2E_MAIL_URL;
  if (!url) throw new Error("E2E_MAIL_URL is not set: the e2e stack starts the mail catcher when SMTP_URL is unset (scripts/stack.ts)");
  return url;
}

/** A short random tag that keeps what one test makes apart from every other test's (and from a repeat of itself). */
export const uniqueTag = () => randomBytes(4).toString("hex");

/**
 * A winery made for one test. Its catalog is the first demo winery's on both simulators (the Shopify simulator
 * sells that catalog in any shop it does not know), with the same deliberate mismatches; its name, shop, vintrace
 * customer and vintrace key are its own.
 */
export interface Tenant extends Omit<DemoTenant, "name" | "shopDomain" | "vintraceCode" | "vintraceToken"> {
  id: string;
  name: string;
  shopDomain: string;
  vintraceCode: string;
  vintraceToken: string;
}

export interface Login {
  id: string;
  email: string;
  password: string;
}

export type LoginKind = "owner" | "staff" | "support";

const template = demoTenants[0];
const FIXTURE_ACTOR = "e2e-fixtures@winehub.test";

/** A call to a simulator's control endpoint; the JSON answer, or null for an empty one. */
export async function callSimulator(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, { method, headers: body === undefined ? {} : { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** A new winery: its vintrace customer seeded, its shop given an access token, then the winery made by createTenant. */
export async function createTestTenant(db: Db, options: { name?: string } = {}): Promise<Tenant> {
  const { vintraceUrl, shopifyUrl } = stackInfo();
  const tag = uniqueTag();
  const shopDomain = `e2e-${tag}.myshopify.com`;
  const vintraceCode = `e2e-${tag}`;
  const vintraceToken = `e2e-token-${tag}-${randomBytes(8).toString("hex")}`;
  const seed = demoSeed(template);
  await callSimulator(`${vintraceUrl}/${vintraceCode}/__sim/seed`, "POST", { ...seed, tokens: [{ token: vintraceToken, permissions: ["read", "sales:write"] }] });
  const { accessToken } = (await callSimulator(`${shopifyUrl}/__sim/tokens`, "POST", { shop: shopDomain })) as { accessToken: string };
  const name = `${options.name ?? template.name} ${tag}`;
  const allowlist = (process.env.OUTBOUND_ALLOWLIST ?? vintraceUrl).split(",").filter(Boolean);
  const tenant = await createTenant(
    db,
    {
      name,
      shopDomain,
      shopifyToken: accessToken,
      vintrace: {
        baseUrl: `${vintraceUrl}/${vintraceCode}`,
        apiKey: vintraceToken,
        customerName: template.customerName,
        salesPriceList: template.priceList.name,
        storageAreaId: template.storageArea.id,
      },
    },
    allowlist,
    FIXTURE_ACTOR,
  );
  // A new winery syncs orders placed from its creation on; the simulator stamps orders to the second, so one placed
  // in the same second could look older. The demo seed moves the start back for the same reason.
  await db.tenant.update({ where: { id: tenant.id }, data: { syncOrdersCreatedAfter: new Date(Date.now() - 60 * 60_000) } });
  return { ...template, id: tenant.id, name, shopDomain, vintraceCode, vintraceToken };
}

/** A new user with a password: support staff, or an owner or staff member of the winery. */
export async function createLogin(db: Db, kind: LoginKind, tenant?: Tenant): Promise<Login> {
  if (kind !== "support" && !tenant) throw new Error(`a ${kind} needs a winery`);
  const tag = uniqueTag();
  const email = kind === "support" ? `support-${tag}@winehub.test` : `${kind}-${tag}@${tenant!.vintraceCode}.test`;
  const password = `${kind}-pass-${tag}`;
  const user = await createUser(
    db,
    kind === "support"
      ? { email, password, role: "SUPPORT" }
      : { email, password, role: "MERCHANT", shopDomain: tenant!.shopDomain, membershipRole: kind === "owner" ? "OWNER" : "STAFF" },
    FIXTURE_ACTOR,
  );
  return { id: user.id, email, password };
}

export async function loginAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${stackInfo().appUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

export const signIn = (page: Page, login: Login) => loginAs(page, login.email, login.password);

interface TestFixtures {
  /** makes another winery for this test (`winery` is the first) */
  newTenant: (options?: { name?: string }) => Promise<Tenant>;
  /** makes another user for this test */
  newLogin: (kind: LoginKind, tenant?: Tenant) => Promise<Login>;
  /** this test's winery */
  tenant: Tenant;
  /** an owner of this test's winery */
  owner: Login;
  /** a staff member of this test's winery */
  staff: Login;
  /** a Winehub support user of this test's own */
  support: Login;
}

interface WorkerFixtures {
  /** the stack's database, one client per Playwright worker */
  db: Db;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  db: [
    async ({}, provide) => {
      const db = createPrisma(stackInfo().database, 2);
      await provide(db);
      await db.$disconnect();
    },
    { scope: "worker" },
  ],
  newTenant: async ({ db }, provide) => provide((options) => createTestTenant(db, options)),
  newLogin: async ({ db }, provide) => provide((kind, tenant) => createLogin(db, kind, tenant)),
  tenant: async ({ newTenant }, provide) => provide(await newTenant()),
  owner: async ({ newLogin, tenant }, provide) => provide(await newLogin("owner", tenant)),
  staff: async ({ newLogin, tenant }, provide) => provide(await newLogin("staff", tenant)),
  support: async ({ newLogin }, provide) => provide(await newLogin("support")),
});
