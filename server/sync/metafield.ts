// The vintrace sales order code, written back to the Shopify order as the app-owned metafield `$app:vintrace` /
// `sales_order_code`, pinned so it shows on the order's page in Shopify admin. A Shopify step of its own, like the
// tag (shopify-steps.ts runs both): it runs once the sales order is in vintrace with a code, is retried on its own
// (metafieldAttempts, metafieldError, due at nextAttemptAt) and can never send the sales order again; its failure
// changes neither the sync's status nor the tag. metafieldState: PENDING wants a try, DONE is written, NONE with an
// error gave up.
//
// Before a shop's first write, the metafield's definition is created once and recorded on the Shopify connection.
// Two workers may race to create it: Shopify accepts one, and answers the other TAKEN, which is just as good.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { OrderSync } from "@/server/generated/prisma/client";
import { logger } from "@/server/observability/log";
import { ORDER_CODE_METAFIELD, type ShopifyAdmin } from "@/server/shopify/admin";
import { attemptRow, type AttemptInsert } from "./attempts";
import type { SyncDeps } from "./context";
import { released, type SyncUpdate } from "./queue";
import { shopifyStepRetry } from "./tagging";

export type MetafieldRow = Pick<OrderSync, "id" | "tenantId" | "orderGid" | "metafieldAttempts">;

export interface MetafieldStepContext {
  deps: SyncDeps;
  trigger: string;
  admin?: ShopifyAdmin;
}

export type MetafieldResult = "written" | "retry" | "gave_up";

/** What a metafield attempt decided: the fields to write and the attempt to record. */
export interface MetafieldOutcome {
  result: MetafieldResult;
  fields: SyncUpdate;
  attempt: AttemptInsert;
}

/** Writes the code to the order's metafield (creating the shop's definition first, once) and says what to write. */
export async function attemptMetafield(row: MetafieldRow, code: string, ctx: MetafieldStepContext): Promise<MetafieldOutcome> {
  const { deps } = ctx;
  const attempt = row.metafieldAttempts + 1;
  const started = performance.now();
  const request: Record<string, string> = { orderGid: row.orderGid, namespace: ORDER_CODE_METAFIELD.namespace, key: ORDER_CODE_METAFIELD.key, value: code };
  const record = (outcome: "ok" | "failed", message?: string) => {
    logger()[outcome === "ok" ? "info" : "warn"](
      { syncId: row.id, tenantId: row.tenantId, step: "METAFIELD", outcome, attempt, message: message ?? undefined, ms: Math.round(performance.now() - started) },
      "sync step",
    );
    return attemptRow(row.id, row.tenantId, ctx.trigger, { step: "METAFIELD", outcome, message, request, durationMs: performance.now() - started });
  };
  try {
    const admin = ctx.admin ?? (await deps.adminFor(row.tenantId));
    const definition = await ensureDefinition(deps, row.tenantId, admin);
    if (definition) request.definition = definition;
    await admin.setOrderCodeMetafield(row.orderGid, code);
  } catch (error) {
    const { message, retryAt } = shopifyStepRetry(error, attempt, deps);
    const metafieldError = retryAt
      ? `Could not write the vintrace code to the Shopify order (${message}); trying again.`
      : `Gave up writing the vintrace code to the Shopify order after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${message}.`;
    return {
      result: retryAt ? "retry" : "gave_up",
      fields: { ...released, metafieldState: retryAt ? "PENDING" : "NONE", metafieldAttempts: attempt, metafieldError, nextAttemptAt: retryAt },
      attempt: record("failed", metafieldError),
    };
  }
  return {
    result: "written",
    fields: { ...released, metafieldState: "DONE", metafieldAttempts: attempt, metafieldError: null, nextAttemptAt: null },
    attempt: record("ok", `Wrote ${code} to the order's "${ORDER_CODE_METAFIELD.name}" metafield`),
  };
}

/**
 * Creates the shop's metafield definition unless the connection records one; says whether it was created now or
 * found existing (null: already recorded). Only the worker whose create Shopify accepted audits it.
 */
async function ensureDefinition(deps: SyncDeps, tenantId: string, admin: ShopifyAdmin): Promise<"created" | "existed" | null> {
  const { db } = deps;
  const connection = await db.shopifyConnection.findUnique({ where: { tenantId }, select: { metafieldDefinitionAt: true } });
  if (connection?.metafieldDefinitionAt) return null;
  const outcome = await admin.createOrderCodeMetafieldDefinition();
  const { name, namespace, key } = ORDER_CODE_METAFIELD;
  await db.$transaction([
    db.shopifyConnection.updateMany({ where: { tenantId, metafieldDefinitionAt: null }, data: { metafieldDefinitionAt: deps.now() } }),
    ...(outcome === "created" ? [recordAudit(db, { action: "shopify.metafield_definition_created", tenantId, details: { name, namespace, key, pinned: true } })] : []),
  ]);
  return outcome;
}
