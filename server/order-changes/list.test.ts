// The "Changed after sending" list and marking an entry handled: open entries first, keyset pages that visit each
// entry once, the open count, one order's entries; a marking audited once, refused for a version not seen, allowed to
// staff and support, refused to another winery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { addChange, cancelledDetails, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-change-entries";
import { markChangeHandled } from "./handled";
import { changesOfOrder, countOpenChanges, listChanges, type ChangeCursor, type ChangeState, type OrderChangeEntry } from "./list";

const db = createPrisma();
const stamp = Date.now().toString(36);
const MIN = 60_000;
const t0 = Date.now() - 10 * 24 * 60 * MIN;
const at = (minutes: number) => new Date(t0 + minutes * MIN);

let hilltop: string;
let riverbend: string;
const people: Record<"owner" | "staff" | "otherOwner" | "support", CurrentUser> = {} as never;

async function tenantWithPeople(label: string) {
  const tenant = await db.tenant.create({ data: { name: `${label} ${stamp}`, shopDomain: `${label.toLowerCase()}-${stamp}.myshopify.com` } });
  const user = async (role: "OWNER" | "STAFF"): Promise<CurrentUser> => {
    const email = `${role.toLowerCase()}-${label.toLowerCase()}-${stamp}@winery.test`;
    const created = await db.user.create({ data: { email, memberships: { create: { tenantId: tenant.id, role } } } });
    return { id: created.id, email, name: null, role: "MERCHANT", tenantIds: [tenant.id], ownerOf: role === "OWNER" ? [tenant.id] : [] };
  };
  return { id: tenant.id, owner: await user("OWNER"), staff: await user("STAFF") };
}

beforeAll(async () => {
  const h = await tenantWithPeople("Hilltop");
  const r = await tenantWithPeople("Riverbend");
  hilltop = h.id;
  riverbend = r.id;
  Object.assign(people, { owner: h.owner, staff: h.staff, otherOwner: r.owner });
  const support = await db.user.create({ data: { email: `support-${stamp}@winehub.test`, role: "SUPPORT" } });
  people.support = { id: support.id, email: support.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
});

afterAll(async () => {
  await db.$disconnect();
});

/** Every entry the list gives, a page of `size` at a time, and the pages' sizes. */
async function allPages(tenantIds: string[] | null, state: ChangeState, size: number) {
  const entries: OrderChangeEntry[] = [];
  const sizes: number[] = [];
  let cursor: ChangeCursor | null = null;
  do {
    const page: Awaited<ReturnType<typeof listChanges>> = await listChanges(db, { tenantIds }, state, { cursor, limit: size });
    entries.push(...page.entries);
    sizes.push(page.entries.length);
    cursor = page.nextCursor;
  } while (cursor);
  return { entries, sizes };
}

describe("the list", () => {
  it("puts open entries first, newest detected first, then handled ones newest handled first, each once across keyset pages", async () => {
    // Seven orders of Hilltop: four open entries, three handled; entries detected in a shuffled order.
    const detected = [30, 10, 50, 20, 40, 60, 70];
    const handled: Record<number, number> = { 4: 100, 5: 300, 6: 200 };
    const made: { id: string; name: string }[] = [];
    for (const [i, minute] of detected.entries()) {
      const order = await sentOrder(db, hilltop, `#${1100 + i}`);
      const change = await addChange(db, order, i % 2 ? refundedDetails() : cancelledDetails(), {
        detectedAt: at(minute),
        ...(handled[i] ? { handledAt: at(handled[i]), handledBy: "someone@winery.test" } : {}),
      });
      made.push({ id: change.id, name: order.orderName });
    }
    // Riverbend's entry never shows in Hilltop's list.
    await addChange(db, await sentOrder(db, riverbend, "#1100"), cancelledDetails(), { detectedAt: at(45) });

    const nameOf = (e: OrderChangeEntry) => e.orderName;
    const open = ["#1102", "#1100", "#1103", "#1101"]; // detected at 50, 30, 20, 10
    const done = ["#1105", "#1106", "#1104"]; // handled at 300, 200, 100

    const all = await allPages([hilltop], "all", 3);
    expect(all.entries.map(nameOf)).toEqual([...open, ...done]);
    expect(all.sizes).toEqual([3, 3, 1]);
    expect((await allPages([hilltop], "open", 2)).entries.map(nameOf)).toEqual(open);
    expect((await allPages([hilltop], "handled", 2)).entries.map(nameOf)).toEqual(done);
    // A page that ends exactly where the open part ends still leads on to the handled part.
    expect((await allPages([hilltop], "all", 4)).entries.map(nameOf)).toEqual([...open, ...done]);

    const first = all.entries[0];
    expect(first).toMatchObject({ tenantId: hilltop, tenantName: `Hilltop ${stamp}`, kind: "CANCELLED", handledAt: null, details: cancelledDetails() });
    expect(first.vintraceSalesOrderCode).toMatch(/^SO-/);
    expect(all.entries.find((e) => e.orderName === "#1105")).toMatchObject({ handledBy: "someone@winery.test", details: refundedDetails() });

    expect(await countOpenChanges(db, { tenantIds: [hilltop] })).toEqual({ open: 4 });
    expect(await countOpenChanges(db, { tenantIds: [riverbend] })).toEqual({ open: 1 });
    expect(await countOpenChanges(db, { tenantIds: [] })).toEqual({ open: 0 });
    expect((await listChanges(db, { tenantIds: [] }, "all")).entries).toEqual([]);
    // Support across every winery sees both wineries' entries.
    const everyWinery = (await allPages(null, "open", 50)).entries;
    expect(new Set(everyWinery.map((e) => e.tenantId))).toEqual(new Set([hilltop, riverbend]));
  });

  it("gives one order's entries, open first, and shows details it cannot read as unreadable instead of failing", async () => {
    const order = await sentOrder(db, hilltop, `#1200`);
    await addChange(db, order, refundedDetails(), { detectedAt: at(5), handledAt: at(6), handledBy: "a@winery.test" });
    await addChange(db, order, editedDetails(), { detectedAt: at(1) });
    const odd = await addChange(db, order, cancelledDetails(), { detectedAt: at(2) });
    await db.orderChange.update({ where: { id: odd.id }, data: { details: { kind: "CANCELLED", cancelledAt: 12 } } });

    const entries = await changesOfOrder(db, hilltop, order.id);
    expect(entries.map((e) => [e.kind, e.handledAt === null])).toEqual([
      ["CANCELLED", true],
      ["EDITED", true],
      ["REFUNDED", false],
    ]);
    expect(entries[0].details).toBeNull();
    expect(entries[1].details).toEqual(editedDetails());
    // Another winery's id gives nothing.
    expect(await changesOfOrder(db, riverbend, order.id)).toEqual([]);
  });
});

describe("marking an entry handled in vintrace", () => {
  it("records who, when and the note once, audits it, and moves the entry to the handled list", async () => {
    const order = await sentOrder(db, hilltop, "#1300");
    const change = await addChange(db, order, editedDetails());
    const when = new Date("2026-12-02T08:00:00.000Z");
    const input = { changeId: change.id, seenUpdatedAt: change.updatedAt, note: "  Changed SO in vintrace: 1 Shiraz, tote removed  " };

    expect(await markChangeHandled(db, hilltop, input, people.owner, when)).toEqual({ alreadyHandled: false });
    const stored = await db.orderChange.findUniqueOrThrow({ where: { id: change.id } });
    expect(stored).toMatchObject({ handledAt: when, handledBy: people.owner.email, handledNote: "Changed SO in vintrace: 1 Shiraz, tote removed" });

    // Again (a double click, a second tab): nothing changes and nothing more is recorded.
    expect(await markChangeHandled(db, hilltop, { ...input, note: "second" }, people.staff)).toEqual({ alreadyHandled: true });
    expect(await db.orderChange.findUniqueOrThrow({ where: { id: change.id } })).toEqual(stored);
    const audits = await db.auditEvent.findMany({ where: { tenantId: hilltop, action: "orders.change_handled" } });
    expect(audits.map((a) => ({ actorEmail: a.actorEmail, details: a.details }))).toEqual([
      { actorEmail: people.owner.email, details: { orderSyncId: order.id, orderName: "#1300", kind: "EDITED", note: "Changed SO in vintrace: 1 Shiraz, tote removed" } },
    ]);

    const open = await listChanges(db, { tenantIds: [hilltop] }, "open", { limit: 100 });
    expect(open.entries.map((e) => e.id)).not.toContain(change.id);
    const handled = await listChanges(db, { tenantIds: [hilltop] }, "handled", { limit: 100 });
    expect(handled.entries.find((e) => e.id === change.id)).toMatchObject({ handledBy: people.owner.email, handledNote: stored.handledNote });
  });

  it("refuses a marking for a version of the entry the person did not see, and keeps an empty note as none", async () => {
    const order = await sentOrder(db, hilltop, "#1400");
    const seen = await addChange(db, order, refundedDetails());
    // Shopify refunded again after the page was loaded: the worker rewrote the entry.
    const rewritten = await db.orderChange.update({ where: { id: seen.id }, data: { details: { ...refundedDetails(), total: "60.00" } } });
    expect(rewritten.updatedAt.getTime()).not.toBe(seen.updatedAt.getTime());

    await expect(markChangeHandled(db, hilltop, { changeId: seen.id, seenUpdatedAt: seen.updatedAt }, people.owner)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Order #1400 changed again in Shopify since you opened it"),
    });
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: seen.id } })).handledAt).toBeNull();
    expect(await db.auditEvent.count({ where: { tenantId: hilltop, action: "orders.change_handled", details: { path: ["orderName"], equals: "#1400" } } })).toBe(0);

    await markChangeHandled(db, hilltop, { changeId: seen.id, seenUpdatedAt: rewritten.updatedAt, note: "   " }, people.owner);
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: seen.id } })).handledNote).toBeNull();
  });

  it("lets the winery's staff and support mark entries, and refuses another winery's owner", async () => {
    const order = await sentOrder(db, hilltop, "#1500");
    const byStaff = await addChange(db, order, cancelledDetails());
    const bySupport = await addChange(db, order, refundedDetails());

    await createCaller({ db, user: people.staff }).changes.markHandled({ tenantId: hilltop, changeId: byStaff.id, seenUpdatedAt: byStaff.updatedAt, note: "Cancelled in vintrace" });
    await createCaller({ db, user: people.support }).changes.markHandled({ tenantId: hilltop, changeId: bySupport.id, seenUpdatedAt: bySupport.updatedAt });
    const after = await db.orderChange.findMany({ where: { orderSyncId: order.id }, orderBy: { kind: "asc" } });
    expect(after.map((c) => [c.kind, c.handledBy])).toEqual([
      ["CANCELLED", people.staff.email],
      ["REFUNDED", people.support.email],
    ]);

    const edited = await addChange(db, order, editedDetails());
    const other = createCaller({ db, user: people.otherOwner });
    const mark = (tenantId: string) => other.changes.markHandled({ tenantId, changeId: edited.id, seenUpdatedAt: edited.updatedAt });
    await expect(mark(hilltop)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(mark(riverbend)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: edited.id } })).handledAt).toBeNull();
    // Nor do they see it, or count it.
    expect((await other.changes.list({ tenantId: null, state: "all", limit: 100 })).entries.map((e) => e.tenantId)).toEqual(expect.not.arrayContaining([hilltop]));
    expect(await other.changes.count({ tenantId: null })).toEqual(await countOpenChanges(db, { tenantIds: [riverbend] }));
    await expect(other.changes.list({ tenantId: hilltop, state: "all" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("caps the note's length", async () => {
    const order = await sentOrder(db, hilltop, "#1600");
    const change = await addChange(db, order, cancelledDetails());
    const caller = createCaller({ db, user: people.owner });
    await expect(caller.changes.markHandled({ tenantId: hilltop, changeId: change.id, seenUpdatedAt: change.updatedAt, note: "x".repeat(1001) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: change.id } })).handledAt).toBeNull();
  });
});
