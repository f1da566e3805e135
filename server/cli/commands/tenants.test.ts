import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { runCli } from "../main";

const db = createPrisma();
const cli = (...argv: string[]) => runCli(argv, async () => db, "ops@winehub.test");
const stamp = Date.now().toString(36);
const shop = `set-${stamp}.myshopify.com`;
let tenantId: string;
let support: CurrentUser;

beforeAll(async () => {
  const added = await cli(
    "tenant:add", "--name", "Set Estate", "--shop", shop, "--vintrace-url", "https://oz50.vintrace.net/setestate", "--vintrace-key", "vt-set-key",
    "--customer", "Web Customer", "--price-list", "Retail", "--json",
  );
  expect(added.stderr).toBe("");
  tenantId = JSON.parse(added.stdout).id;
  const user = await db.user.create({ data: { email: `support-set-${stamp}@winehub.test`, role: "SUPPORT" } });
  support = { id: user.id, email: user.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
});
afterAll(() => db.$disconnect());

describe("tenant:set", () => {
  it("changes the settings the Settings page shows, the start date, and pauses and resumes, each audited", async () => {
    const set = await cli(
      "tenant:set", "--shop", shop, "--customer", "Cellar Door", "--price-list", "Wholesale", "--storage-area", "42", "--tax-policy", "exclusive",
      "--discount-mode", "PERCENT", "--currency", "nzd", "--shipping", "stock-code", "--shipping-code", "FREIGHT", "--test-orders", "true",
      "--start-date", "2024-07-01", "--pause", "--json",
    );
    expect(set.stderr).toBe("");
    expect(set.exitCode).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ status: "PAUSED", changed: expect.arrayContaining(["customerName", "salesPriceList", "syncOrdersCreatedAfter"]) });

    // What the dashboard reads back is what the CLI set.
    const view = await createCaller({ db, user: support }).settings.get({ tenantId });
    expect(view).toMatchObject({
      tenantStatus: "PAUSED",
      customerName: "Cellar Door",
      salesPriceList: "Wholesale",
      storageAreaId: 42,
      taxPolicy: "EXCLUSIVE",
      discountMode: "PERCENT",
      currency: "NZD",
      shippingPolicy: "STOCK_CODE",
      shippingStockCode: "FREIGHT",
      syncTestOrders: true,
      baseUrl: "https://oz50.vintrace.net/setestate",
    });
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(tenant.syncOrdersCreatedAfter.toISOString()).toBe("2024-07-01T00:00:00.000Z");
    const audit = await db.auditEvent.findMany({ where: { tenantId, actorEmail: "ops@winehub.test" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["tenant.created", "settings.changed", "settings.changed", "tenant.paused"]);

    // A blank storage area goes back to vintrace's default; --resume resumes, audited.
    const resumed = await cli("tenant:set", "--shop", shop, "--storage-area", "", "--resume");
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/settings changed: storageAreaId/);
    expect(resumed.stdout).toMatch(/resumed/);
    expect(await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId } })).toMatchObject({ storageAreaId: null, customerName: "Cellar Door" });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe("ACTIVE");
    expect(await db.auditEvent.count({ where: { tenantId, action: "tenant.resumed", actorEmail: "ops@winehub.test" } })).toBe(1);

    const same = await cli("tenant:set", "--shop", shop, "--start-date", "2024-07-01");
    expect(same.stdout).toMatch(/\(unchanged\)/);
  });

  it("--go-live starts a winery in setup only once vintrace is connected, and refuses an uninstalled one", async () => {
    const setupShop = `golive-${stamp}.myshopify.com`;
    const setup = await db.tenant.create({ data: { name: "Go Live Estate", shopDomain: setupShop, status: "SETUP" } });
    const refused = await cli("tenant:set", "--shop", setupShop, "--go-live");
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("error: Connect vintrace first");
    expect(await db.tenant.findUniqueOrThrow({ where: { id: setup.id } })).toMatchObject({ status: "SETUP" });
    expect(await db.auditEvent.count({ where: { tenantId: setup.id, action: "tenant.went_live" } })).toBe(0);

    await db.tenant.update({ where: { id: setup.id }, data: { status: "UNINSTALLED" } });
    const gone = await cli("tenant:set", "--shop", setupShop, "--go-live");
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toContain("error: --go-live: the winery's shop has uninstalled the app");
  });

  it("refuses bad values naming the flag, and changes nothing", async () => {
    const before = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId } });
    const cases: [string[], string][] = [
      [["--storage-area", "abc"], "--storage-area: must be a number"],
      [["--storage-area", "1.5"], "--storage-area: must be a whole number"],
      [["--tax-policy", "sometimes"], "--tax-policy: must be INCLUSIVE or EXCLUSIVE"],
      [["--test-orders", "maybe"], "--test-orders: must be true or false"],
      [["--start-date", "2024-02-30"], "--start-date: 2024-02-30 is not a calendar date"],
      [["--start-date", "1 July"], "--start-date: must be a date like 2024-07-01"],
      [["--shipping", "STOCK_CODE", "--shipping-code", ""], "--shipping-code: Enter the vintrace stock code shipping is sent as."],
      [["--vintrace-url", "http://169.254.169.254/latest"], "--vintrace-url: "],
      [["--pause", "--resume"], "--pause, --resume and --go-live cannot be used together"],
      [["--resume", "--go-live"], "--pause, --resume and --go-live cannot be used together"],
    ];
    for (const [flags, message] of cases) {
      const res = await cli("tenant:set", "--shop", shop, ...flags, "--customer", "Should Not Be Saved");
      expect(res.exitCode, flags.join(" ")).toBe(2);
      expect(res.stderr, flags.join(" ")).toContain(`error: ${message}`);
      expect(res.stderr).not.toMatch(/storageAreaId|syncTestOrders|shippingStockCode|baseUrl/);
    }
    const nothing = await cli("tenant:set", "--shop", shop);
    expect(nothing.exitCode).toBe(2);
    expect(nothing.stderr).toContain("error: nothing to change");
    expect(await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId } })).toEqual(before);
  });

  it("refuses the same bad value with the same message as the Settings page's procedure", async () => {
    const caller = createCaller({ db, user: support });
    const view = await caller.settings.get({ tenantId });
    const { tenantId: _id, tenantName: _n, tenantStatus: _s, configured: _c, apiKey: _k, lastVerifiedAt: _l, lastVerification: _v, updatedAt: _u, canChangeConnection: _o, ...settings } = view;
    const pageSays = async (edit: Partial<typeof settings>) => {
      const error = await caller.settings.save({ tenantId, ...settings, ...edit }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      const cause = (error as TRPCError).cause;
      expect(cause).toBeInstanceOf(ZodError);
      return (cause as ZodError).issues.map((i) => `--${i.path.join(".")}: ${i.message}`);
    };
    const cases: [Partial<typeof settings>, string[], string][] = [
      [{ currency: "EURO" }, ["--currency", "EURO"], "currency"],
      [{ salesPriceList: "   " }, ["--price-list", "   "], "price-list"],
      [{ storageAreaId: -3 }, ["--storage-area", "-3"], "storage-area"],
    ];
    for (const [edit, flags, flag] of cases) {
      const [fromPage] = await pageSays(edit);
      const cliSays = await cli("tenant:set", "--shop", shop, ...flags);
      expect(cliSays.exitCode).toBe(2);
      const message = fromPage.replace(/^--[^:]+: /, "");
      expect(cliSays.stderr).toContain(`error: --${flag}: ${message}\n`);
    }
    expect((await pageSays({ salesPriceList: "" }))[0]).toBe("--salesPriceList: Enter the sales price list.");
  });
});
