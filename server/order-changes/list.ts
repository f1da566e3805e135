// The "Changed after sending" list: the entries of one winery (or, for support, of every winery), open ones first,
// a keyset page at a time; the open count the navigation shows; and the entries of one order for its page.
// Open entries come newest detected first; handled ones newest handled first. Each part is a range of the index on
// (tenantId, handledAt, detectedAt), so a page costs the same however many hundreds of entries a winery has.
// Details are parsed with lib/order-changes.ts on every read: a row in a shape this code does not know shows as
// unreadable instead of breaking the page.
import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { orderChangeDetails, type OrderChangeDetails, type OrderChangeKindName } from "@/lib/order-changes";

export const CHANGE_STATES = ["open", "handled", "all"] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export const MAX_CHANGES_PAGE = 100;

/** The last entry of a page: which part it was in, its time in that part's order (detected or handled), its id. */
export const changeCursorSchema = z.object({ handled: z.boolean(), at: z.coerce.date(), id: z.string().min(1).max(64) });
export type ChangeCursor = z.infer<typeof changeCursorSchema>;

export interface ChangeScope {
  /** one winery, several, or every winery (null; support only) */
  tenantIds: string[] | null;
}

export interface OrderChangeEntry {
  id: string;
  tenantId: string;
  tenantName: string;
  orderSyncId: string;
  orderName: string;
  vintraceSalesOrderCode: string | null;
  kind: OrderChangeKindName;
  /** null when the stored details do not parse as this kind's shape */
  details: OrderChangeDetails | null;
  detectedAt: Date;
  /** the entry's version: marking it handled names the version the person saw */
  updatedAt: Date;
  handledAt: Date | null;
  /** the email of who marked it handled */
  handledBy: string | null;
  handledNote: string | null;
}

export interface ChangesPage {
  entries: OrderChangeEntry[];
  nextCursor: ChangeCursor | null;
}

const ENTRY_SELECT = {
  id: true,
  tenantId: true,
  orderSyncId: true,
  kind: true,
  details: true,
  detectedAt: true,
  updatedAt: true,
  handledAt: true,
  handledBy: true,
  handledNote: true,
  tenant: { select: { name: true } },
  orderSync: { select: { orderName: true, vintraceSalesOrderCode: true } },
} satisfies Prisma.OrderChangeSelect;

type EntryRow = Prisma.OrderChangeGetPayload<{ select: typeof ENTRY_SELECT }>;

function parseDetails(kind: OrderChangeKindName, details: Prisma.JsonValue): OrderChangeDetails | null {
  const parsed = orderChangeDetails.safeParse(details);
  return parsed.success && parsed.data.kind === kind ? parsed.data : null;
}

function toEntry(row: EntryRow): OrderChangeEntry {
  return {
    id: row.id,
    tenantId: row.tenantId,
    tenantName: row.tenant.name,
    orderSyncId: row.orderSyncId,
    orderName: row.orderSync.orderName,
    vintraceSalesOrderCode: row.orderSync.vintraceSalesOrderCode,
    kind: row.kind,
    details: parseDetails(row.kind, row.details),
    detectedAt: row.detectedAt,
    updatedAt: row.updatedAt,
    handledAt: row.handledAt,
    handledBy: row.handledBy,
    handledNote: row.handledNote,
  };
}

// An empty list of wineries matches nothing (a merchant with no winery), never everything.
const inScope = (scope: ChangeScope): Prisma.OrderChangeWhereInput => (scope.tenantIds === null ? {} : { tenantId: { in: scope.tenantIds } });

/** One part of the list (open or handled), after the cursor when it is in this part. */
async function listPart(db: Db, scope: ChangeScope, handled: boolean, after: ChangeCursor | null, take: number): Promise<EntryRow[]> {
  if (handled) {
    return db.orderChange.findMany({
      where: {
        AND: [inScope(scope), { handledAt: { not: null } }, after ? { OR: [{ handledAt: { lt: after.at } }, { handledAt: after.at, id: { lt: after.id } }] } : {}],
      },
      orderBy: [{ handledAt: "desc" }, { id: "desc" }],
      take,
      select: ENTRY_SELECT,
    });
  }
  return db.orderChange.findMany({
    where: {
      AND: [inScope(scope), { handledAt: null }, after ? { OR: [{ detectedAt: { lt: after.at } }, { detectedAt: after.at, id: { lt: after.id } }] } : {}],
    },
    orderBy: [{ detectedAt: "desc" }, { id: "desc" }],
    take,
    select: ENTRY_SELECT,
  });
}

const cursorOf = (row: EntryRow): ChangeCursor =>
  row.handledAt ? { handled: true, at: row.handledAt, id: row.id } : { handled: false, at: row.detectedAt, id: row.id };

/** A page of entries: open ones, handled ones, or all (every open one before any handled one). */
export async function listChanges(db: Db, scope: ChangeScope, state: ChangeState, options: { cursor?: ChangeCursor | null; limit?: number } = {}): Promise<ChangesPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), MAX_CHANGES_PAGE);
  const cursor = options.cursor ?? null;
  // One row more than asked says whether there is a next page without a count.
  const rows: EntryRow[] = [];
  if (state !== "handled" && !cursor?.handled) rows.push(...(await listPart(db, scope, false, cursor, limit + 1)));
  if (state !== "open" && rows.length <= limit) rows.push(...(await listPart(db, scope, true, cursor?.handled ? cursor : null, limit + 1 - rows.length)));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { entries: page.map(toEntry), nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}

/** How many entries wait to be handled. */
export async function countOpenChanges(db: Db, scope: ChangeScope): Promise<{ open: number }> {
  return { open: await db.orderChange.count({ where: { AND: [inScope(scope), { handledAt: null }] } }) };
}

/** One order's entries for its page, open ones first. */
export async function changesOfOrder(db: Db, tenantId: string, orderSyncId: string): Promise<OrderChangeEntry[]> {
  const rows = await db.orderChange.findMany({
    where: { tenantId, orderSyncId },
    orderBy: [{ handledAt: { sort: "desc", nulls: "first" } }, { detectedAt: "desc" }],
    select: ENTRY_SELECT,
  });
  return rows.map(toEntry);
}
