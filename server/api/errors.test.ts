import { TRPCError, type AnyTRPCRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "@/server/api/root";
import { createTRPCRouter, publicProcedure, type Context } from "@/server/api/trpc";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma, type Db } from "@/server/db";
import type { GroupRetryResult } from "@/server/overview/group-retry";
import type { ErrorClass } from "@/server/generated/prisma/enums";
import { resetEnvCache } from "@/server/env";
import { InputError } from "@/server/lib/errors";
import { setTestEnvironment } from "@/test/database";
import { captureLogs } from "@/test/support/logs";

// What the browser sees when a procedure fails, through the same fetch adapter the app's route uses.

setTestEnvironment();
const db = createPrisma();
const stamp = Date.now().toString(36);
let support: CurrentUser;

beforeAll(async () => {
  resetEnvCache();
  const user = await db.user.create({ data: { email: `errors-${stamp}@support.test`, role: "SUPPORT" } });
  support = { id: user.id, email: user.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => db.$disconnect());

const failing = createTRPCRouter({
  duplicateShop: publicProcedure.mutation(async ({ ctx }) => {
    const shopDomain = `dup-${stamp}.myshopify.com`;
    await ctx.db.tenant.create({ data: { name: "First", shopDomain } });
    await ctx.db.tenant.create({ data: { name: "Second", shopDomain } });
  }),
  badSql: publicProcedure.query(({ ctx }) => ctx.db.$queryRawUnsafe("SELECT secret_column FROM no_such_table")),
  inputError: publicProcedure.mutation(() => {
    throw new InputError({ shop: "is already a winery here" });
  }),
  notFound: publicProcedure.query(() => {
    throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such order." });
  }),
});

interface Answer {
  status: number;
  message: string;
  logged: string;
  /** a successful answer's data */
  data?: unknown;
}

async function call(router: AnyTRPCRouter, procedure: string, kind: "query" | "mutation", input?: unknown, contextDb: Db = db): Promise<Answer> {
  const logs = captureLogs("error");
  const json = encodeURIComponent(JSON.stringify({ json: input }));
  const url = `http://app.test/api/trpc/${procedure}${kind === "query" ? `?input=${json}` : ""}`;
  const req = kind === "query" ? new Request(url) : new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
  const response = await fetchRequestHandler({ endpoint: "/api/trpc", req, router, createContext: (): Context => ({ db: contextDb, user: support }) });
  const body = (await response.json()) as { error?: { json: { message: string } }; result?: { data: { json: unknown } } };
  logs.restore();
  return { status: response.status, message: body.error?.json.message ?? "", logged: logs.text(), data: body.result?.data.json };
}

const GENERIC = /^Something went wrong \(ref ([0-9a-f]{8})\)$/;

function expectHiddenAndLogged(answer: Answer, realError: RegExp) {
  expect(answer.message).toMatch(GENERIC);
  expect(answer.message).not.toMatch(realError);
  const ref = GENERIC.exec(answer.message)![1];
  expect(answer.logged).toContain(`ref ${ref}`);
  expect(answer.logged).toMatch(realError);
  expect(answer.logged).toMatch(/\n\s+at /);
}

describe("an unexpected error in a procedure", () => {
  it("a unique violation shows a reference to the browser and the Prisma error, under that reference, in the log", async () => {
    const answer = await call(failing, "duplicateShop", "mutation");
    expect(answer.status).toBe(500);
    expectHiddenAndLogged(answer, /Unique constraint/);
  });

  it("a failing SQL query never shows its SQL or the database's message", async () => {
    const answer = await call(failing, "badSql", "query");
    expect(answer.status).toBe(500);
    expectHiddenAndLogged(answer, /no_such_table/);
    expect(answer.message).not.toMatch(/secret_column|SELECT/);
  });

  it("a database error a handler wraps as a bad request is hidden too (pausing a winery that does not exist)", async () => {
    const answer = await call(appRouter, "settings.pause", "mutation", { tenantId: `missing-${stamp}` });
    expect(answer.status).toBe(400);
    expectHiddenAndLogged(answer, /No record was found|not found/i);
  });

  it("gets a new reference every time", async () => {
    const first = await call(failing, "badSql", "query");
    const second = await call(failing, "badSql", "query");
    expect(first.message).not.toBe(second.message);
  });
});

describe("errors meant for the user", () => {
  it("a domain InputError a handler does not catch is a 400 naming the field, and is not logged", async () => {
    const answer = await call(failing, "inputError", "mutation");
    expect(answer.status).toBe(400);
    expect(answer.message).toContain("shop: is already a winery here");
    expect(answer.logged).toBe("");
  });

  it("a TRPCError thrown on purpose keeps its message", async () => {
    const answer = await call(failing, "notFound", "query");
    expect(answer).toEqual({ status: 404, message: "This winery has no such order.", logged: "" });
  });

  it("a handler's own refusal keeps its message (pausing a winery whose shop is uninstalled)", async () => {
    const tenant = await db.tenant.create({ data: { name: "Gone", shopDomain: `gone-${stamp}.myshopify.com`, status: "UNINSTALLED" } });
    const answer = await call(appRouter, "settings.pause", "mutation", { tenantId: tenant.id });
    expect(answer).toEqual({ status: 400, message: "This winery's shop is uninstalled; there is nothing to pause.", logged: "" });
  });

  it("a real procedure's domain refusal keeps its message (adding a shop that is already a winery)", async () => {
    const shopDomain = `taken-${stamp}.myshopify.com`;
    await db.tenant.create({ data: { name: "Taken", shopDomain } });
    const answer = await call(appRouter, "tenantAdmin.create", "mutation", { name: "Again", shopDomain });
    expect(answer.status).toBe(400);
    expect(answer.message).toContain("is already a winery here");
    expect(answer.logged).toBe("");
  });
});

describe("a group retry on the Overview", () => {
  async function failedOrder(errorClass: ErrorClass) {
    const tenant = await db.tenant.create({ data: { name: "Group", shopDomain: `group-${errorClass}-${Date.now().toString(36)}.myshopify.com` } });
    await db.orderSync.create({
      data: { tenantId: tenant.id, orderGid: `gid://shopify/Order/${Date.now()}`, orderName: "#1001", source: "WEBHOOK", status: "FAILED", lastErrorClass: errorClass, lastErrorMessage: "it failed" },
    });
    return tenant;
  }

  it("answers a database error in one winery's part with a reference, logged under that reference, never the database's text", async () => {
    const tenant = await failedOrder("RATE_LIMITED");
    // The winery's row cannot be read back: a real database error, from SQL the database refuses.
    const broken = new Proxy(db, {
      get: (target, property, receiver) =>
        property === "tenant"
          ? new Proxy(target.tenant, { get: (t, p) => (p === "findUniqueOrThrow" ? () => target.$queryRawUnsafe("SELECT secret_column FROM no_such_table") : Reflect.get(t, p)) })
          : Reflect.get(target, property, receiver),
    });
    const answer = await call(appRouter, "overview.retryCause", "mutation", { tenantId: tenant.id, cause: "RATE_LIMITED" }, broken);
    expect(answer.status).toBe(200);
    const { problems } = answer.data as GroupRetryResult;
    expect(problems).toHaveLength(1);
    expectHiddenAndLogged({ ...answer, message: problems[0].message }, /no_such_table/);
    expect(problems[0].message).not.toMatch(/secret_column|SELECT/);
  });

  it("refuses a group retry for a cause a retry alone does not help with, saying that saving the fix retries them", async () => {
    // A wrong vintrace address (404): saving the address in Settings re-queues these orders.
    const notFound = await call(appRouter, "overview.retryCause", "mutation", { cause: "NOT_FOUND" });
    const [refusal] = (notFound.data as GroupRetryResult).problems;
    expect(refusal.message).toMatch(/Retrying does not help with "vintrace address wrong"/);
    expect(refusal.message).toMatch(/saving the fix retries these orders/);
    const auth = await call(appRouter, "overview.retryCause", "mutation", { cause: "AUTH" });
    expect((auth.data as GroupRetryResult).problems[0].message).toMatch(/saving the fix retries these orders/);
  });
});
