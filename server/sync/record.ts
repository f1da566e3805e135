// Writing a sync's new state. Every write is fenced by the lease: it applies only while this worker still holds
// the record, so a worker that stalled past its lease cannot overwrite what the worker now holding it decided.
// The attempts of the step are written alongside.
import type { Prisma } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";

export interface Lease {
  owner: string;
  leaseMs: number;
}

export type SyncUpdate = Prisma.OrderSyncUpdateManyMutationInput;

/** Applies `data` if the lease is still ours; returns false when it was lost. */
export async function writeFenced(
  db: Db,
  id: string,
  lease: Lease,
  data: SyncUpdate,
  attempts: Prisma.SyncAttemptCreateManyInput[] = [],
): Promise<boolean> {
  // Not one transaction: the attempts happened whether or not the lease is still ours, and two statements in
  // parallel cost half the round trips of BEGIN … COMMIT.
  const [updated] = await Promise.all([
    db.orderSync.updateMany({ where: { id, leaseOwner: lease.owner }, data }),
    attempts.length > 0 ? db.syncAttempt.createMany({ data: attempts }) : null,
  ]);
  return updated.count === 1;
}

/** The fields that give the record back: nothing further is due unless `nextAttemptAt` says so. */
export const released = { leaseOwner: null, leaseUntil: null } satisfies SyncUpdate;
