// queue.ts stays the only writer of OrderSync, and its transitions hold against the real database: nothing but the
// lease holder touches a leased record, holds and releases round-trip, and retries start over from a clean state.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import {
  addUnsentWarning,
  enqueue,
  enqueueMissed,
  expedite,
  holdQueued,
  recordAlreadySynced,
  releaseHeld,
  REASONS,
  replaceUnsentPayload,
  requeueFailed,
  requeueManually,
  skipCancelled,
  writeFenced,
  type Intake,
  type ManualOrder,
} from "./queue";
import { uniqueLabel } from "../../test/support/sync";

const db = createPrisma();
afterAll(() => db.$disconnect());

const ROOT = join(__dirname, "..", "..");
const WRITES = [
  /\.orderSync\.(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany)\b/,
  /(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"OrderSync"/i,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|mjs)$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe("queue.ts is the only writer of OrderSync", () => {
  it("no other module creates or changes OrderSync rows", () => {
    const writers = ["server", "app", "components", "lib", "scripts"]
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .map((path) => relative(ROOT, path))
      .filter((path) => path !== join("server", "sync", "queue.ts"))
      .filter((path) => WRITES.some((write) => write.test(readFileSync(join(ROOT, path), "utf8"))));
    expect(writers).toEqual([]);
  });

  it("the check recognises a write", () => {
    expect(WRITES.some((w) => w.test(`await tx.orderSync.updateMany({ where })`))).toBe(true);
    expect(WRITES.some((w) => w.test(`UPDATE "OrderSync" SET payload = NULL`))).toBe(true);
    expect(WRITES.some((w) => w.test(`SELECT id FROM "OrderSync"`))).toBe(false);
  });
});

async function tenant(status: "ACTIVE" | "PAUSED" | "SETUP" | "UNINSTALLED" = "ACTIVE") {
  const label = uniqueLabel("queue");
  return db.tenant.create({ data: { name: label, shopDomain: `${label}.myshopify.com`, status } });
}

const leasedUntil = (ms: number) => ({ leaseOwner: "w1", leaseUntil: new Date(Date.now() + ms) });

async function record(tenantId: string, gid: number, data: Partial<Prisma.OrderSyncUncheckedCreateInput> = {}) {
  return db.orderSync.create({
    data: { tenantId, orderGid: `gid://shopify/Order/${gid}`, orderName: `#${gid}`, source: "WEBHOOK", ...data },
  });
}

const reread = (id: string) => db.orderSync.findUniqueOrThrow({ where: { id } });

function intake(shopDomain: string, id: number, eventId: string): Intake {
  return {
    shopDomain,
    orderGid: `gid://shopify/Order/${id}`,
    orderName: `#${id}`,
    orderCreatedAt: "2026-01-01T00:00:00.000Z",
    rawBody: JSON.stringify({ id, name: `#${id}` }),
    content: null,
    contentHash: null,
    signedWithOwnSecret: false,
    delivery: { webhookId: eventId, eventId, dedupKey: eventId, triggeredAt: null },
    now: new Date(),
  };
}

describe("enqueue", () => {
  it("queues an active winery's order once, holds a paused one's, and stores nothing for an uninstalled shop", async () => {
    const active = await tenant();
    expect(await enqueue(db, intake(active.shopDomain, 1, `${active.id}-1`))).toMatchObject({ tenantStatus: "ACTIVE", created: 1, delivered: 1 });
    expect(await enqueue(db, intake(active.shopDomain, 1, `${active.id}-2`))).toMatchObject({ created: 0, delivered: 1 });
    const queued = await db.orderSync.findMany({ where: { tenantId: active.id } });
    expect(queued).toMatchObject([{ status: "PENDING", statusReason: null, source: "WEBHOOK" }]);

    const paused = await tenant("PAUSED");
    await enqueue(db, intake(paused.shopDomain, 1, `${paused.id}-1`));
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: paused.id } })).toMatchObject({ status: "HELD", statusReason: REASONS.paused });

    const gone = await tenant("UNINSTALLED");
    expect(await enqueue(db, intake(gone.shopDomain, 1, `${gone.id}-1`))).toMatchObject({ tenantStatus: "UNINSTALLED", created: 0, delivered: 0 });
  });
});

describe("hold and release", () => {
  it("holds queued records that no worker holds, and releases them in their original order", async () => {
    const t = await tenant();
    const free = await record(t.id, 1, { orderCreatedAt: new Date("2026-01-02T00:00:00Z"), nextAttemptAt: new Date() });
    const leased = await record(t.id, 2, { nextAttemptAt: new Date(), ...leasedUntil(60_000) });
    const failed = await record(t.id, 3, { status: "FAILED" });

    expect(await holdQueued(db, t.id, new Date())).toBe(1);
    expect(await reread(free.id)).toMatchObject({ status: "HELD", statusReason: REASONS.paused, nextAttemptAt: null });
    expect((await reread(leased.id)).status).toBe("PENDING");
    expect((await reread(failed.id)).status).toBe("FAILED");

    expect(await releaseHeld(db, t.id)).toBe(1);
    expect(await reread(free.id)).toMatchObject({ status: "PENDING", statusReason: null, nextAttemptAt: new Date("2026-01-02T00:00:00Z") });
  });
});

describe("requeue", () => {
  it("a fix requeues free failures from the first try and drops an error tag never written", async () => {
    const t = await tenant();
    const untagged = await record(t.id, 1, { status: "FAILED", attempts: 5, lastErrorClass: "CONFIG", tagState: "PENDING_ERROR" });
    const tagged = await record(t.id, 2, { status: "FAILED", lastErrorClass: "CONFIG", tagState: "ERROR" });
    const leased = await record(t.id, 3, { status: "FAILED", lastErrorClass: "CONFIG", ...leasedUntil(60_000) });
    const now = new Date();

    expect(await requeueFailed(db, t.id, { lastErrorClass: "CONFIG" }, "settings-change", now)).toBe(2);
    expect(await reread(untagged.id)).toMatchObject({ status: "PENDING", attempts: 0, nextAttemptAt: now, queuedBy: "settings-change", tagState: "NONE" });
    expect(await reread(tagged.id)).toMatchObject({ status: "PENDING", tagState: "ERROR" });
    expect((await reread(leased.id)).status).toBe("FAILED");
  });

  const manual = (tenantId: string, gid: number, rec: ManualOrder["record"], now: Date): ManualOrder => ({
    tenantId,
    order: { gid: `gid://shopify/Order/${gid}`, name: `#${gid}`, createdAt: "2026-01-01T00:00:00Z" },
    record: rec,
    queuedBy: "user:a@b.test",
    now,
  });

  it("a manual retry requeues a free record, creates a missing one once, and leaves a leased one", async () => {
    const t = await tenant();
    const now = new Date();
    const failed = await record(t.id, 1, { status: "FAILED", attempts: 3, lastErrorClass: "VALIDATION", missingSkus: ["X"], tagState: "PENDING_ERROR" });
    expect(await requeueManually(db, manual(t.id, 1, failed, now))).toBe(true);
    expect(await reread(failed.id)).toMatchObject({ status: "PENDING", attempts: 0, nextAttemptAt: now, lastErrorClass: null, missingSkus: [], tagState: "NONE" });

    const leased = await record(t.id, 3, { status: "FAILED", ...leasedUntil(60_000) });
    expect(await requeueManually(db, manual(t.id, 3, leased, now))).toBe(false);

    expect(await requeueManually(db, manual(t.id, 4, null, now))).toBe(true);
    expect(await requeueManually(db, manual(t.id, 4, null, now))).toBe(false);
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: t.id, orderGid: "gid://shopify/Order/4" } })).toMatchObject({ source: "MANUAL", status: "PENDING" });
  });

  it.each([
    ["paused", "PAUSED", REASONS.paused],
    ["in setup", "SETUP", REASONS.setup],
  ] as const)("whatever queues a record of a winery %s holds it, with the reason, and never makes it due", async (_, status, reason) => {
    const t = await tenant(status);
    const now = new Date();
    const held = { status: "HELD", statusReason: reason, nextAttemptAt: null };

    const skipped = await record(t.id, 1, { status: "SKIPPED" });
    expect(await requeueManually(db, manual(t.id, 1, skipped, now))).toBe(true);
    expect(await reread(skipped.id)).toMatchObject(held);
    expect(await requeueManually(db, manual(t.id, 2, null, now))).toBe(true);
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: t.id, orderGid: "gid://shopify/Order/2" } })).toMatchObject({ source: "MANUAL", ...held });

    const failed = await record(t.id, 3, { status: "FAILED", lastErrorClass: "CONFIG", tagState: "PENDING_ERROR" });
    expect(await requeueFailed(db, t.id, { lastErrorClass: "CONFIG" }, "settings-change", now)).toBe(1);
    expect(await reread(failed.id)).toMatchObject({ ...held, attempts: 0, tagState: "NONE" });

    const missed = await enqueueMissed(db, t.id, [{ id: "gid://shopify/Order/4", name: "#4", createdAt: "2026-01-01T00:00:00Z" }]);
    expect(missed).toHaveLength(1);
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: t.id, orderGid: "gid://shopify/Order/4" } })).toMatchObject({ source: "RECONCILE", ...held });
  });

  it("expedite makes a backing-off record due now, and only that", async () => {
    const t = await tenant();
    const now = new Date();
    const waiting = await record(t.id, 1, { nextAttemptAt: new Date(now.getTime() + 60_000) });
    const due = await record(t.id, 2, { nextAttemptAt: new Date(now.getTime() - 1_000) });
    expect(await expedite(db, waiting.id, "user:a@b.test", now)).toBe(true);
    expect(await reread(waiting.id)).toMatchObject({ nextAttemptAt: now, queuedBy: "user:a@b.test" });
    expect(await expedite(db, due.id, "user:a@b.test", now)).toBe(false);
  });

  it("records an order vintrace already has and queues its tag", async () => {
    const t = await tenant();
    const now = new Date();
    const failed = await record(t.id, 1, { status: "FAILED", lastErrorClass: "TRANSIENT" });
    const order = { gid: failed.orderGid, name: failed.orderName, createdAt: "2026-01-01T00:00:00Z" };
    expect(await recordAlreadySynced(db, { tenantId: t.id, order, record: failed, queuedBy: "user:a@b.test", now }, { id: 7, code: "SO-7", found: true, tagNeedsCorrection: true })).toBe(true);
    expect(await reread(failed.id)).toMatchObject({
      status: "SYNCED",
      vintraceSalesOrderId: 7,
      syncedAt: now,
      statusReason: REASONS.foundByRetry,
      lastErrorClass: null,
      tagState: "PENDING_CREATED",
      nextAttemptAt: now,
    });
  });
});

describe("after-sale changes to a record not sent", () => {
  const order = (sku: string, qty: number) => ({ line_items: [{ sku, title: sku, quantity: qty, price: "10.00" }], updated_at: "2026-01-02T00:00:00Z" });

  it("a cancellation skips a free PENDING, HELD or FAILED record (an error tag not written is dropped), never a leased or sent one", async () => {
    const t = await tenant();
    const pending = await record(t.id, 1, { nextAttemptAt: new Date() });
    const failed = await record(t.id, 2, { status: "FAILED", tagState: "PENDING_ERROR", nextAttemptAt: new Date() });
    const leased = await record(t.id, 3, { nextAttemptAt: new Date(), ...leasedUntil(60_000) });
    const synced = await record(t.id, 4, { status: "SYNCED" });
    for (const r of [pending, failed]) expect(await skipCancelled(db, r.id, "2026-01-02T00:00:00Z")).toBe(true);
    expect(await reread(pending.id)).toMatchObject({ status: "SKIPPED", statusReason: REASONS.cancelled("2026-01-02T00:00:00Z"), nextAttemptAt: null });
    expect(await reread(failed.id)).toMatchObject({ status: "SKIPPED", tagState: "NONE" });
    for (const r of [leased, synced]) expect(await skipCancelled(db, r.id, "2026-01-02T00:00:00Z")).toBe(false);
    expect((await reread(leased.id)).status).toBe("PENDING");
    expect((await reread(synced.id)).status).toBe("SYNCED");
  });

  it("an edit replaces payload, content and hash only while the record holds the version read; a refund adds its warning once", async () => {
    const t = await tenant();
    const held = await record(t.id, 1, { status: "HELD" });
    const now = new Date();
    expect(await replaceUnsentPayload(db, held.id, order("A", 2), null, now)).toBe(true);
    const first = await reread(held.id);
    expect(first).toMatchObject({ payload: order("A", 2), content: { lines: [{ sku: "A", quantity: 2 }] }, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Read before that write: refused, so an older version never overwrites the newer one.
    expect(await replaceUnsentPayload(db, held.id, order("A", 1), null, now)).toBe(false);
    expect(await replaceUnsentPayload(db, held.id, order("A", 3), first.contentHash, now)).toBe(true);
    expect((await reread(held.id)).content).toMatchObject({ lines: [{ quantity: 3 }] });

    expect(await addUnsentWarning(db, held.id, "refunded", now)).toBe(true);
    expect(await addUnsentWarning(db, held.id, "refunded", now)).toBe(false);
    expect((await reread(held.id)).warnings).toEqual(["refunded"]);
    const synced = await record(t.id, 2, { status: "SYNCED" });
    expect(await replaceUnsentPayload(db, synced.id, order("A", 2), null, now)).toBe(false);
    expect(await addUnsentWarning(db, synced.id, "refunded", now)).toBe(false);
  });

  it("a worker's write of a fetched payload writes its content and hash with it", async () => {
    const t = await tenant();
    const leased = await record(t.id, 1, { leaseOwner: "w1", leaseUntil: new Date(Date.now() + 60_000) });
    expect(await writeFenced(db, leased.id, { owner: "w1", leaseMs: 60_000 }, { payload: order("B", 4) })).toBe(true);
    expect(await reread(leased.id)).toMatchObject({ content: { lines: [{ sku: "B", quantity: 4 }] }, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
