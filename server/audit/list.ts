// The audit log: who changed which setting, who retried what, who invited whom. Newest first, keyset-paginated on
// (createdAt, id) like the sync log, filterable by winery, action, actor and date.
import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { cursorSchema, type SyncLogCursor } from "../orders/sync-log";

export const auditFilterSchema = z.object({
  /** an action ("settings.changed") or its area ("settings.") */
  action: z.string().trim().max(100).optional(),
  /** part of the actor's email */
  actor: z.string().trim().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;
export { cursorSchema as auditCursorSchema };

export interface AuditRow {
  id: string;
  createdAt: Date;
  tenantId: string | null;
  tenantName: string | null;
  actorEmail: string | null;
  action: string;
  details: Prisma.JsonValue | null;
}

/** The events of the wineries named, or of every winery and support's own actions (no winery) when `tenantIds` is null. */
export async function listAudit(
  db: Db,
  tenantIds: string[] | null,
  filter: AuditFilter,
  options: { cursor?: SyncLogCursor | null; limit?: number } = {},
): Promise<{ rows: AuditRow[]; nextCursor: SyncLogCursor | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const and: Prisma.AuditEventWhereInput[] = [];
  if (tenantIds !== null) and.push({ tenantId: { in: tenantIds } });
  if (filter.action) and.push(filter.action.endsWith(".") ? { action: { startsWith: filter.action } } : { action: filter.action });
  if (filter.actor) and.push({ actorEmail: { contains: filter.actor, mode: "insensitive" } });
  if (filter.from) and.push({ createdAt: { gte: filter.from } });
  if (filter.to) and.push({ createdAt: { lt: filter.to } });
  const cursor = options.cursor;
  if (cursor) and.push({ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] });
  const events = await db.auditEvent.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { tenant: { select: { name: true } } },
  });
  const page = events.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map((e) => ({
      id: e.id,
      createdAt: e.createdAt,
      tenantId: e.tenantId,
      tenantName: e.tenant?.name ?? null,
      actorEmail: e.actorEmail,
      action: e.action,
      details: e.details,
    })),
    nextCursor: events.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
