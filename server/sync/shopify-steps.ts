// The steps that write to Shopify once an order's sync is decided: the tag (tagging.ts) and, for an order in vintrace
// with a code, the code's metafield (metafield.ts). They run one after the other in the same pass, each counting its
// own attempts, and share nextAttemptAt: the earlier of their next tries. A pass makes a try of every step still
// wanting one, so a step may be tried somewhat before its own time when the other is due; both follow the same
// Shopify retry schedule, so that is seldom by much, and each gives up by its own count. Neither can send the sales
// order again, and neither changes the sync's status.
import "server-only";
import type { OrderSync } from "@/server/generated/prisma/client";
import type { AttemptInsert } from "./attempts";
import { attemptMetafield, type MetafieldResult } from "./metafield";
import { released, writeFenced, type Lease, type SyncUpdate } from "./queue";
import { attemptTags, tagWantsTry, type TagResult, type TagRow, type TagStepContext } from "./tagging";

export type ShopifyStepsResult = `tag_${TagResult}` | `metafield_${MetafieldResult}` | "lost_lease" | "nothing_to_do";

/** Which steps to try: the tag to add (null: none), and the code to write to the metafield (null: none). */
export interface ShopifyStepsPlan {
  tag: "PENDING_CREATED" | "PENDING_ERROR" | null;
  metafieldCode: string | null;
}

export type ShopifyStepsRow = TagRow & Pick<OrderSync, "metafieldAttempts">;

/** Tries the planned steps and gives their outcomes as one write: the fields, the attempts, and what happened. */
export async function runShopifySteps(
  row: ShopifyStepsRow,
  plan: ShopifyStepsPlan,
  ctx: TagStepContext,
): Promise<{ fields: SyncUpdate; attempts: AttemptInsert[]; result: Exclude<ShopifyStepsResult, "lost_lease"> }> {
  const tag = plan.tag ? await attemptTags({ ...row, tagState: plan.tag }, ctx) : null;
  const metafield = plan.metafieldCode ? await attemptMetafield(row, plan.metafieldCode, ctx) : null;
  const outcomes = [tag, metafield].filter((outcome) => outcome !== null);
  const retries = outcomes.map((o) => o.fields.nextAttemptAt).filter((at) => at instanceof Date);
  return {
    fields: { ...released, ...tag?.fields, ...metafield?.fields, nextAttemptAt: earliest(retries) },
    attempts: outcomes.map((o) => o.attempt),
    // One word for the log: the tag's result when it ran, else the metafield's.
    result: tag ? `tag_${tag.result}` : metafield ? `metafield_${metafield.result}` : "nothing_to_do",
  };
}

/** A pass for a record whose sync is decided: every Shopify step still wanting a try, then one fenced write. */
export async function runDueShopifySteps(row: OrderSync, lease: Lease, ctx: TagStepContext): Promise<ShopifyStepsResult> {
  const plan: ShopifyStepsPlan = {
    tag: tagWantsTry(row) ? row.tagState : null,
    metafieldCode: row.metafieldState === "PENDING" ? row.vintraceSalesOrderCode : null,
  };
  const steps = await runShopifySteps(row, plan, ctx);
  return (await writeFenced(ctx.deps.db, row.id, lease, steps.fields, steps.attempts)) ? steps.result : "lost_lease";
}

function earliest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((min, at) => (min === null || at < min ? at : min), null);
}
