// Support's retry of refusals in words no check recognised, once they have read them: from the Overview, every
// failure in exactly those words (across wineries, or in the winery picked); from an order's page, that order. Only
// support may: a winery's owner or staff is refused, even on the winery's own orders and through the Overview's retry
// of a whole cause, and nothing moves.
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";

const db = createPrisma();
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const caller = (user: CurrentUser) => createCaller({ db, user });

/** Words of vintrace's no check recognised, new for each test: an Overview retry without a winery reaches every winery. */
const newWords = () => `Sales orders cannot be dated in a closed accounting period ${unique()}`;
const DAY = 24 * 60 * 60 * 1000;

/** The merchants' winery. */
let a: string;
let owner: CurrentUser;
let staff: CurrentUser;
let support: CurrentUser;
let orderNumber = 1000;

const newTenant = async () => (await db.tenant.create({ data: { name: `Review ${unique()}`, shopDomain: `rv-${unique()}.myshopify.com` } })).id;

/** A failed order of the winery's, refused in `words`, which no check recognised (unless `fields` say otherwise). */
async function failed(tenantId: string, words: string | null, fields: Partial<Prisma.OrderSyncUncheckedCreateInput> = {}) {
  orderNumber += 1;
  return db.orderSync.create({
    data: {
      tenantId,
      orderGid: `gid://shopify/Order/${orderNumber}${unique()}`,
      orderName: `#${orderNumber}`,
      source: "WEBHOOK",
      status: "FAILED",
      lastErrorClass: "VALIDATION",
      lastErrorMessage: words ? `vintrace refused it: "${words}".` : "vintrace refused it (HTTP 400) without saying why.",
      lastErrorCause: "UNRECOGNISED",
      lastErrorVintraceText: words,
      ...fields,
    },
  });
}

const statusOf = async (id: string) => (await db.orderSync.findUniqueOrThrow({ where: { id } })).status;
const supportAudits = (tenantId: string) => db.auditEvent.findMany({ where: { tenantId, action: "orders.fix_retry" }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  a = await newTenant();
  const member = async (role: "OWNER" | "STAFF"): Promise<CurrentUser> => {
    const u = await db.user.create({ data: { email: `${role.toLowerCase()}-${unique()}@review.test`, memberships: { create: { tenantId: a, role } } } });
    return { id: u.id, email: u.email, name: null, role: "MERCHANT", tenantIds: [a], ownerOf: role === "OWNER" ? [a] : [] };
  };
  owner = await member("OWNER");
  staff = await member("STAFF");
  const s = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT" } });
  support = { id: s.id, email: s.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
});
afterAll(() => db.$disconnect());

describe("support's retry after reading vintrace's words", () => {
  it("refuses a winery's owner and staff both retries, on the winery's own orders, and queues nothing", async () => {
    const words = newWords();
    const order = await failed(a, words);
    for (const merchant of [owner, staff]) {
      await expect(caller(merchant).overview.retryUnrecognisedWords({ tenantId: a, vintraceText: words })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller(merchant).overview.retryUnrecognisedWords({ vintraceText: words })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller(merchant).orders.retryAfterReview({ tenantId: a, orderSyncId: order.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await statusOf(order.id)).toBe("FAILED");
    expect(await supportAudits(a)).toEqual([]);
  });

  it("refuses a winery's owner and staff the generic group retry of the unrecognised refusals, telling them to tell support; support keeps it", async () => {
    const order = await failed(a, newWords());
    const audits = await db.auditEvent.count({ where: { tenantId: a } });
    for (const merchant of [owner, staff]) {
      for (const scope of [{ tenantId: a }, {}]) {
        await expect(caller(merchant).overview.retryCause({ ...scope, cause: "UNRECOGNISED" })).rejects.toMatchObject({
          code: "FORBIDDEN",
          message: expect.stringMatching(/^Only Winehub support retries .* Tell support/),
        });
      }
      // Another retryable cause is still theirs to retry (none failed of it here, so nothing is queued).
      expect(await caller(merchant).overview.retryCause({ tenantId: a, cause: "RATE_LIMITED" })).toMatchObject({ queued: 0, problems: [] });
    }
    expect(await statusOf(order.id)).toBe("FAILED");
    expect(await db.auditEvent.count({ where: { tenantId: a } })).toBe(audits);
    // Support is not refused: a winery without such failures has nothing to queue.
    expect(await caller(support).overview.retryCause({ tenantId: await newTenant(), cause: "UNRECOGNISED" })).toEqual({
      cause: "UNRECOGNISED",
      queued: 0,
      alreadyDone: 0,
      notRetried: 0,
      problems: [],
    });
  });

  it("from the Overview: queues every failure in exactly those words across wineries, audited per winery, and leaves the rest", async () => {
    const [one, two] = [await newTenant(), await newTenant()];
    const words = newWords();
    const inOne = await failed(one, words);
    const inTwo = await failed(two, words);
    const otherWords = await failed(one, newWords());
    const otherCause = await failed(two, words, { lastErrorCause: "CUSTOMER_NOT_FOUND", lastErrorClass: "CONFIG" });
    const old = await failed(two, words, { updatedAt: new Date(Date.now() - 10 * DAY) });

    expect(await caller(support).overview.retryUnrecognisedWords({ vintraceText: words })).toEqual({ queued: 2, tenants: 2, left: 1 });
    expect([await statusOf(inOne.id), await statusOf(inTwo.id)]).toEqual(["PENDING", "PENDING"]);
    expect((await db.orderSync.findUniqueOrThrow({ where: { id: inOne.id } })).queuedBy).toBe("support-review");
    // Other words, another cause, and a failure older than the fix-retry window stay failed.
    for (const row of [otherWords, otherCause, old]) expect(await statusOf(row.id)).toBe("FAILED");

    for (const [tenantId, order] of [[one, inOne], [two, inTwo]] as const) {
      const audits = await supportAudits(tenantId);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ actorId: support.id, actorEmail: support.email });
      expect(audits[0].details).toEqual({ trigger: "support-review", cause: "UNRECOGNISED", vintraceText: words, requeued: 1, orders: [order.orderName] });
    }
  });

  it("from a winery's Overview: that winery's failures only; words never given are a text of their own", async () => {
    const [picked, other] = [await newTenant(), await newTenant()];
    const words = newWords();
    const inPicked = await failed(picked, words);
    const inOther = await failed(other, words);
    const wordless = await failed(picked, null);

    expect(await caller(support).overview.retryUnrecognisedWords({ tenantId: picked, vintraceText: words })).toEqual({ queued: 1, tenants: 1, left: 0 });
    expect([await statusOf(inPicked.id), await statusOf(inOther.id), await statusOf(wordless.id)]).toEqual(["PENDING", "FAILED", "FAILED"]);
    expect(await caller(support).overview.retryUnrecognisedWords({ tenantId: picked, vintraceText: null })).toEqual({ queued: 1, tenants: 1, left: 0 });
    expect([await statusOf(wordless.id), await statusOf(inOther.id)]).toEqual(["PENDING", "FAILED"]);
    // Nothing left in those words: nothing queued, nothing more audited.
    expect(await caller(support).overview.retryUnrecognisedWords({ tenantId: picked, vintraceText: words })).toEqual({ queued: 0, tenants: 0, left: 0 });
    expect(await supportAudits(picked)).toHaveLength(2);
    expect(await supportAudits(other)).toEqual([]);
  });

  it("validates the words: none at all, or more than any refusal holds, is refused", async () => {
    await expect(caller(support).overview.retryUnrecognisedWords({ vintraceText: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller(support).overview.retryUnrecognisedWords({ vintraceText: "x".repeat(20_001) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("from the order's page: that order only, audited with it; another winery's order is not found", async () => {
    const [tenant, other] = [await newTenant(), await newTenant()];
    const words = newWords();
    const order = await failed(tenant, words);
    const sameWords = await failed(tenant, words);
    const recognised = await failed(tenant, words, { lastErrorCause: "NOT_ENOUGH_STOCK" });

    expect(await caller(support).orders.retryAfterReview({ tenantId: tenant, orderSyncId: order.id })).toEqual({ requeued: 1 });
    expect([await statusOf(order.id), await statusOf(sameWords.id)]).toEqual(["PENDING", "FAILED"]);
    const audits = await supportAudits(tenant);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorEmail: support.email });
    expect(audits[0].details).toEqual({ trigger: "support-review", cause: "UNRECOGNISED", orderSyncId: order.id, vintraceText: words, requeued: 1, orders: [order.orderName] });

    // Queued already, or refused for a recognised cause: nothing to do, nothing audited.
    expect(await caller(support).orders.retryAfterReview({ tenantId: tenant, orderSyncId: order.id })).toEqual({ requeued: 0 });
    expect(await caller(support).orders.retryAfterReview({ tenantId: tenant, orderSyncId: recognised.id })).toEqual({ requeued: 0 });
    expect(await statusOf(recognised.id)).toBe("FAILED");
    expect(await supportAudits(tenant)).toHaveLength(1);
    await expect(caller(support).orders.retryAfterReview({ tenantId: other, orderSyncId: sameWords.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await statusOf(sameWords.id)).toBe("FAILED");
  });
});
