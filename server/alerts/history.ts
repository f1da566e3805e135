// The alerts that were sent, newest first, with who each one reached: a winery's own, or the support team's
// cross-winery digests.
import "server-only";
import type { Db } from "@/server/db";

export interface AlertPageInput {
  cursor?: string;
  limit: number;
}

/** The alerts of the given wineries; with null (every winery, for support staff), the support team's digests. */
export async function listAlerts(db: Db, tenantIds: string[] | null, input: AlertPageInput) {
  const rows = await db.alert.findMany({
    where: tenantIds === null ? { tenantId: null } : { tenantId: { in: tenantIds } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      kind: true,
      subject: true,
      text: true,
      failureCount: true,
      createdAt: true,
      deliveries: { select: { channel: true, recipient: true, ok: true, error: true, sentAt: true }, orderBy: { sentAt: "asc" } },
    },
  });
  return { items: rows.slice(0, input.limit), nextCursor: rows.length > input.limit ? rows[input.limit - 1].id : null };
}
