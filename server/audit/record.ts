// The one way to write an audit event, in the caller's transaction when it has one.
import "server-only";
import type { AuditAction } from "@/lib/audit-actions";
import type { Prisma } from "@/server/generated/prisma/client";

/** Who did it: a signed-in user (id and email), a CLI operator (email only), or nobody when Shopify did. */
export interface AuditActor {
  id?: string | null;
  email?: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  actor?: AuditActor | null;
  tenantId?: string | null;
  details?: Prisma.InputJsonObject;
  /** when it happened, for callers that stamp a delivery's own clock; now otherwise */
  at?: Date;
}

/** Writes the event; the Prisma promise it returns can also go into a batch `$transaction([...])`. */
export function recordAudit(db: Pick<Prisma.TransactionClient, "auditEvent">, entry: AuditEntry) {
  return db.auditEvent.create({
    data: {
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? null,
      tenantId: entry.tenantId ?? null,
      details: entry.details,
      createdAt: entry.at,
    },
  });
}
