// One claimed sync record, from the Shopify order to a vintrace sales order and a tag. The rule that makes it safe
// to run any number of times, from any worker, after any crash: ask vintrace whether the order already exists
// (by externalTransactionId) right before every POST, and record what vintrace said before doing anything else.
//
//   skip rules (test order, before the winery's start date, cancelled, paused)  → SKIPPED / HELD, with the reason
//   build the body (pure)                                                        → refusal: FAILED, explained
//   LOOKUP by externalTransactionId, and (at the same time) re-check cancelledAt  → found: SYNCED (no POST)
//   in Shopify; confirm the lease is still ours
//   CREATE (POST)                                                                → SYNCED, or classified:
//     TRANSIENT / RATE_LIMITED: after a 5xx look up again at once; retry later (after a timeout, late enough for
//                               vintrace to have finished committing); give up after SYNC_MAX_ATTEMPTS → FAILED
//     VALIDATION / CONFIG / AUTH: diagnose a refusal with our own lookups; FAILED at once, with the fix
//   then the Shopify steps (shopify-steps.ts): the tag, and the vintrace code's metafield; they never send the order
//   again.
import "server-only";
import type { OrderSync, Prisma, SkuMapping, Tenant } from "@/server/generated/prisma/client";
import { logger } from "@/server/observability/log";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import type { ShopifyAdmin } from "@/server/shopify/admin";
import { recordSuspectedForgery } from "@/server/shopify/webhooks/delivery";
import {
  checkCreatedOrder,
  diagnoseRejection,
  findSalesOrderByExternalId,
  type SalesOrder,
  type VintraceClient,
  type VintraceError,
  type VintraceErrorClass,
} from "@/server/vintrace";
import { attemptRow, ExchangeLog, type AttemptInsert, type AttemptRecord } from "./attempts";
import { buildSalesOrder, type BuildSalesOrderResult, type SalesOrderSettings } from "./build-sales-order";
import { loadOrderContext, NotConnectedError, salesOrderSettingsFrom, skusOfPayload, type MappingSettings, type SyncDeps } from "./context";
import { orderTags, parseShopifyOrder, type ShopifyOrder } from "@/server/shopify/order";
import { clearedError, holdLease, REASONS, released, writeFenced, type Lease, type SyncUpdate } from "./queue";
import { DEFAULT_RETRY_SCHEDULE, nextRetry } from "./retry-policy";
import { runDueShopifySteps, runShopifySteps, type ShopifyStepsPlan, type ShopifyStepsResult } from "./shopify-steps";
import { scaledSchedule } from "./tagging";
import { noteVintraceTaxPolicy, type StoredTaxPolicy } from "./vintrace-tax-policy";

type SkuMappingRow = Pick<SkuMapping, "shopifySku" | "vintraceCode" | "multiplier">;

export type ProcessResult =
  | "synced"
  | "retry"
  | "failed"
  | "skipped"
  | "held"
  | "waiting"
  | ShopifyStepsResult;

/** Who or what caused this run, for the attempt records. */
export function triggerOf(row: Pick<OrderSync, "queuedBy" | "attempts" | "status" | "source">): string {
  if (row.queuedBy) return row.queuedBy;
  if (row.status === "PENDING" && row.attempts <= 1) return row.source === "WEBHOOK" ? "webhook" : row.source === "RECONCILE" ? "reconcile" : "worker";
  return "worker";
}

export async function processOrder(deps: SyncDeps, row: OrderSync, lease: Lease): Promise<ProcessResult> {
  const trigger = triggerOf(row);
  if (row.status === "PENDING") return new OrderRun(deps, row, lease, trigger).runSafely();
  return runDueShopifySteps(row, lease, { deps, trigger });
}

export interface PlainError {
  class: VintraceErrorClass;
  message: string;
  /** the diagnosed cause of a refusal (lib/causes.ts) */
  cause?: string;
  /** vintrace's own words for it */
  vintraceMessage?: string;
  fix?: { where: "settings" | "products"; howTo: string } | null;
  retryAfterMs?: number;
  status?: number;
}

type ShopifyCheck = { kind: "wanted" } | { kind: "skip"; reason: string } | { kind: "failed"; error: unknown; started: number };

const NO_PRODUCT_LINES_HOW_TO =
  "If a line left out belongs in vintrace, change the ignore rules on the Products page (lines without a SKU, gift cards, " +
  "the ignored SKUs); saving them retries the order. Otherwise there is nothing for vintrace: enter the order there by hand if you need it.";

/** Why an order of a winery without vintrace settings is not sent. */
export const NOT_CONNECTED = "This winery has no vintrace connection yet.";

const CONNECT_SETTINGS_FIX = { where: "settings", howTo: "Connect vintrace in Settings: its address and an API key." } as const;

class OrderRun {
  private readonly attempts: AttemptInsert[] = [];
  private readonly exchanges = new ExchangeLog();
  private admin: ShopifyAdmin | null = null;
  private knownTags: string[] | null = null;
  /** the tax policy as read with the settings before sending, so noting vintrace's word on it costs no extra read */
  private storedTaxPolicy: StoredTaxPolicy | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly row: OrderSync,
    private readonly lease: Lease,
    private readonly trigger: string,
  ) {}

  /**
   * Anything unforeseen (a database hiccup, a bug) becomes a retry on the normal schedule rather than an exception
   * that leaves the record to be claimed again, and fail again, every time its lease lapses. When even that write
   * fails, the lease lapses and the record is taken up again later.
   */
  async runSafely(): Promise<ProcessResult> {
    try {
      return await this.run();
    } catch (error) {
      logger().error({ syncId: this.row.id, tenantId: this.row.tenantId, err: error }, "sync failed unexpectedly");
      const message = `Something unexpected went wrong (${error instanceof Error ? error.message : String(error)}); we will try again.`;
      return this.retryOrFail({ class: "TRANSIENT", message });
    }
  }

  private async run(): Promise<ProcessResult> {
    const { db } = this.deps;
    const context = await loadOrderContext(db, this.row.tenantId, skusOfPayload(this.row.payload));
    if (!context) return "nothing_to_do";
    const { tenant } = context;
    if (tenant.status === "PAUSED") return this.hold(REASONS.paused);
    // The claim takes live wineries only; one that went (back) into setup meanwhile holds the order until it goes live.
    if (tenant.status === "SETUP") return this.hold(REASONS.setup);
    if (tenant.status === "UNINSTALLED") {
      return this.wait(REASONS.uninstalled);
    }
    if (this.row.attempts > this.deps.maxAttempts) {
      return this.failForGood({ class: "TRANSIENT", message: `Gave up after ${this.deps.maxAttempts} attempts.` });
    }

    const vintraceSettings = context.vintrace;
    if (!vintraceSettings) return this.failForGood({ class: "CONFIG", message: NOT_CONNECTED, fix: CONNECT_SETTINGS_FIX });
    this.storedTaxPolicy = vintraceSettings;

    const payload = await this.payload();
    if (payload.kind === "done") return payload.result;
    const parsed = parseShopifyOrder(payload.raw);
    if (!parsed.ok) {
      return this.failForGood({ class: "VALIDATION", message: `The order from Shopify could not be read: ${parsed.problems.join("; ")}.` });
    }
    const order = parsed.order;

    // A payload fetched just now was not there to pick the SKU mappings by.
    const mappings =
      payload.kind === "fetched"
        ? await db.skuMapping.findMany({ where: { tenantId: tenant.id, shopifySku: { in: skusOfPayload(payload.raw) } } })
        : context.mappings;
    const plan = planSalesOrder(order, { tenant, vintrace: vintraceSettings, mappings });
    if (plan.kind === "skip") return this.skip(plan.reason);
    if (plan.kind === "refuse") return this.failForGood(plan.error);
    const { built, settings } = plan;

    let client: VintraceClient;
    try {
      client = await this.deps.vintraceFor(tenant.id, { onExchange: this.exchanges.onExchange, settings: vintraceSettings });
    } catch (error) {
      if (error instanceof NotConnectedError) return this.failForGood({ class: "CONFIG", message: error.message, fix: CONNECT_SETTINGS_FIX });
      // The stored key cannot be read (the encryption key changed, or the ciphertext is damaged).
      return this.failForGood({
        class: "CONFIG",
        message: `The vintrace API key stored in Settings cannot be used: ${error instanceof Error ? error.message : String(error)}.`,
        fix: { where: "settings", howTo: "Enter the vintrace API key again in Settings." },
      });
    }
    const hint = { orderDate: built.body.orderDate ?? Date.parse(order.created_at), customerName: built.body.customerName ?? "" };
    const externalId = built.body.externalTransactionId ?? "";

    // Asked together: does vintrace have it already, and is it still wanted (not cancelled since the webhook)?
    const [existing, inShopify] = await Promise.all([
      this.lookup(client, externalId, hint),
      payload.kind === "stored" ? this.checkInShopify() : Promise.resolve<ShopifyCheck>({ kind: "wanted" }),
    ]);
    if (!existing.ok) return this.retryOrFail(existing.error);
    if (existing.value) return this.synced(existing.value, built, settings, "found");
    if (inShopify.kind === "skip") return this.skip(inShopify.reason);
    if (inShopify.kind === "failed") return this.shopifyFailed(inShopify.error, inShopify.started, "Could not check the order in Shopify before sending it");

    if (!(await holdLease(this.deps.db, this.row.id, this.lease.owner, this.lease.leaseMs))) return "lost_lease";

    const created = await client.createSalesOrder(built.body);
    const createStep = this.exchanges.take();
    this.record({
      step: "CREATE",
      outcome: created.ok ? "created" : "failed",
      errorClass: created.ok ? null : created.error.class,
      message: created.ok ? `Created ${created.value.code ?? `sales order ${created.value.id}`}` : created.error.message,
      ...createStep,
    });
    if (created.ok) return this.synced(created.value, built, settings, "created");

    const error = created.error;
    if (error.class === "TRANSIENT" || error.class === "RATE_LIMITED") {
      // A 5xx may come after vintrace committed the order: ask again before deciding anything.
      if (error.status !== undefined && error.status >= 500) {
        const again = await this.lookup(client, externalId, hint);
        if (again.ok && again.value) return this.synced(again.value, built, settings, "found");
      }
      // No answer at all (a timeout): vintrace may still be committing, so the next lookup waits for it to settle.
      return this.retryOrFail(error, error.status === undefined ? this.deps.postTimeoutSettleMs : 0);
    }
    if (error.class === "VALIDATION") {
      const diagnosed = await diagnoseRejection(client, built.body, { rejection: error, lines: built.lines });
      this.record({ step: "DIAGNOSE", outcome: "ok", errorClass: diagnosed.class, message: diagnosed.message, ...this.exchanges.take() });
      return this.failForGood(diagnosed, missingSkusOf(diagnosed, built));
    }
    return this.failForGood(error);
  }

  /** The order as stored, or fetched from Shopify for a manual retry or reconciliation (then it is fresh). */
  private async payload(): Promise<{ kind: "stored" | "fetched"; raw: unknown } | { kind: "done"; result: ProcessResult }> {
    if (this.row.payload !== null && this.row.payload !== undefined) return { kind: "stored", raw: this.row.payload };
    const started = performance.now();
    try {
      const admin = await this.shopifyAdmin();
      const fetched = await admin.fetchOrderPayload(this.row.orderGid);
      if (!fetched) return { kind: "done", result: await this.skip(REASONS.orderGone) };
      this.knownTags = orderTags(fetched);
      const stored = await writeFenced(this.deps.db, this.row.id, this.lease, {
        payload: fetched as unknown as Prisma.InputJsonValue,
        orderName: fetched.name,
        orderCreatedAt: new Date(fetched.created_at),
      });
      if (!stored) return { kind: "done", result: "lost_lease" };
      return { kind: "fetched", raw: fetched };
    } catch (error) {
      return { kind: "done", result: await this.shopifyFailed(error, started, "Could not read the order from Shopify") };
    }
  }

  /** cancelledAt is checked again before every POST: the merchant may have cancelled since the webhook. */
  private async checkInShopify(): Promise<ShopifyCheck> {
    const started = performance.now();
    try {
      const admin = await this.shopifyAdmin();
      const summary = await admin.orderById(this.row.orderGid);
      if (!summary) {
        // The order came in a delivery for this shop, yet the shop does not have it: deleted since, or replayed
        // from another shop.
        await recordSuspectedForgery(this.deps.db, this.deps.now(), {
          tenantId: this.row.tenantId,
          topic: "orders/create",
          orderGid: this.row.orderGid,
          reason: "The order is not in this shop: deleted since the webhook, or the delivery came from another shop",
        });
        return { kind: "skip", reason: REASONS.orderGone };
      }
      this.knownTags = summary.tags;
      if (summary.cancelledAt) return { kind: "skip", reason: REASONS.cancelled(summary.cancelledAt) };
      return { kind: "wanted" };
    } catch (error) {
      return { kind: "failed", error, started };
    }
  }

  private async shopifyFailed(error: unknown, started: number, what: string): Promise<ProcessResult> {
    const message = `${what} (${error instanceof Error ? error.message : String(error)}); we will try again.`;
    if (error instanceof ShopifyAdminError && (error.kind === "NOT_FOUND" || error.kind === "USER_ERROR")) {
      return this.skip(REASONS.orderGoneBecause(error.message));
    }
    this.record({ step: "CHECK", outcome: "failed", errorClass: "TRANSIENT", message, durationMs: performance.now() - started });
    return this.retryOrFail({ class: "TRANSIENT", message });
  }

  private async shopifyAdmin(): Promise<ShopifyAdmin> {
    this.admin ??= await this.deps.adminFor(this.row.tenantId);
    return this.admin;
  }

  private async lookup(client: VintraceClient, externalId: string, hint: { orderDate: number; customerName: string }) {
    const result = await findSalesOrderByExternalId(client, externalId, hint);
    this.record({
      step: "LOOKUP",
      outcome: !result.ok ? "failed" : result.value ? "found" : "not_found",
      errorClass: result.ok ? null : result.error.class,
      message: !result.ok ? result.error.message : result.value ? `vintrace already has ${result.value.code ?? `sales order ${result.value.id}`}` : null,
      ...this.exchanges.take(),
    });
    return result;
  }

  private record(record: AttemptRecord): void {
    this.attempts.push(attemptRow(this.row.id, this.row.tenantId, this.trigger, record));
    // What the step did, never what was sent: the request and response stay in the attempt record.
    const failed = record.outcome === "failed";
    logger()[failed ? "warn" : "info"](
      { syncId: this.row.id, tenantId: this.row.tenantId, order: this.row.orderName, step: record.step, outcome: record.outcome, errorClass: record.errorClass ?? null, message: failed ? (record.message ?? null) : undefined, ms: Math.round(record.durationMs) },
      "sync step",
    );
  }

  private async write(data: SyncUpdate): Promise<boolean> {
    return writeFenced(this.deps.db, this.row.id, this.lease, data, this.attempts.splice(0));
  }

  private async synced(order: SalesOrder, built: Extract<BuildSalesOrderResult, { ok: true }>, settings: SalesOrderSettings, how: "created" | "found"): Promise<ProcessResult> {
    await this.noteTaxPolicy(order);
    const check = how === "created" ? checkCreatedOrder(built.body, order, { taxPolicy: settings.taxPolicy, currency: settings.currency }) : { warnings: [] };
    const warnings = [
      ...built.ignoredLines.map((l) => `Line '${l.line}' was not sent: ${l.reason}.`),
      ...built.warnings,
      ...check.warnings,
    ];
    const syncedFields: SyncUpdate = {
      status: "SYNCED",
      vintraceSalesOrderId: order.id,
      vintraceSalesOrderCode: order.code,
      syncedAt: this.deps.now(),
      statusReason: how === "found" ? REASONS.foundByWorker : null,
      ...clearedError,
      warnings,
      queuedBy: null,
    };
    const plan = { tag: this.row.tagState === "CREATED" ? null : "PENDING_CREATED", metafieldCode: this.row.metafieldState === "DONE" ? null : order.code } as const;
    return (await this.writeWithShopifySteps(syncedFields, plan)) ? "synced" : "lost_lease";
  }

  /** vintrace's word on tax, for the Settings (never a reason to fail a sync vintrace already holds). */
  private async noteTaxPolicy(order: SalesOrder): Promise<void> {
    try {
      await noteVintraceTaxPolicy(this.deps.db, this.row.tenantId, order, this.deps.now(), this.storedTaxPolicy);
    } catch (error) {
      logger().warn({ syncId: this.row.id, tenantId: this.row.tenantId, err: error }, "could not record vintrace's tax policy");
    }
  }

  /**
   * Writes the sync's outcome together with its Shopify steps: the steps first (an order already tagged that way, or
   * whose code is already written, is left alone), then one statement with all of it, so each order costs one write.
   */
  private async writeWithShopifySteps(fields: SyncUpdate, plan: ShopifyStepsPlan): Promise<boolean> {
    const steps = await runShopifySteps(this.row, plan, this.stepContext());
    this.attempts.push(...steps.attempts);
    return this.write({ ...fields, ...steps.fields });
  }

  private async failForGood(error: PlainError, missingSkus: string[] = []): Promise<ProcessResult> {
    const ok = await this.writeWithShopifySteps(
      {
        status: "FAILED",
        statusReason: null,
        lastErrorClass: error.class,
        lastErrorMessage: error.message,
        lastErrorFix: error.fix?.where ?? null,
        lastErrorHowTo: error.fix?.howTo ?? null,
        lastErrorCause: error.cause ?? null,
        lastErrorVintraceText: error.vintraceMessage ?? null,
        missingSkus,
        queuedBy: null,
      },
      { tag: this.row.tagState === "ERROR" ? null : "PENDING_ERROR", metafieldCode: null },
    );
    return ok ? "failed" : "lost_lease";
  }

  private async retryOrFail(error: PlainError, notBeforeMs = 0): Promise<ProcessResult> {
    const decision = nextRetry({
      errorClass: error.class,
      attempt: Math.max(1, this.row.attempts),
      retryAfterMs: error.retryAfterMs,
      maxAttempts: this.deps.maxAttempts,
      now: this.deps.now(),
      random: this.deps.random,
      schedule: scaledSchedule(DEFAULT_RETRY_SCHEDULE, this.deps.retryScale),
    });
    if (!decision.retry) {
      const message = decision.cause === "ATTEMPTS_EXHAUSTED" ? `${error.message} We gave up after ${this.row.attempts} attempts.` : error.message;
      return this.failForGood({ ...error, message });
    }
    const at = new Date(Math.max(decision.at.getTime(), this.deps.now().getTime() + notBeforeMs));
    const ok = await this.write({
      ...released,
      status: "PENDING",
      statusReason: null,
      lastErrorClass: error.class,
      lastErrorMessage: error.message,
      lastErrorFix: error.fix?.where ?? null,
      lastErrorHowTo: error.fix?.howTo ?? null,
      lastErrorCause: null,
      lastErrorVintraceText: error.vintraceMessage ?? null,
      queuedBy: null,
      nextAttemptAt: at,
    });
    return ok ? "retry" : "lost_lease";
  }

  private async skip(reason: string): Promise<ProcessResult> {
    this.record({ step: "CHECK", outcome: "skipped", message: reason, durationMs: 0 });
    const ok = await this.write({ ...released, status: "SKIPPED", statusReason: reason, queuedBy: null, nextAttemptAt: null });
    return ok ? "skipped" : "lost_lease";
  }

  /** Leaves the order queued, with the reason, for when the winery can be served again (the claim skips it till then). */
  private async wait(reason: string): Promise<ProcessResult> {
    const ok = await this.write({ ...released, statusReason: reason, attempts: Math.max(0, this.row.attempts - 1) });
    return ok ? "waiting" : "lost_lease";
  }

  private async hold(reason: string): Promise<ProcessResult> {
    const ok = await this.write({ ...released, status: "HELD", statusReason: reason, nextAttemptAt: null });
    return ok ? "held" : "lost_lease";
  }

  private stepContext() {
    return { deps: this.deps, trigger: this.trigger, knownTags: this.knownTags, admin: this.admin ?? undefined };
  }
}

/** Why an order is not sent at all, in words for the winery, or null. */
export function skipReasonFor(order: Pick<ShopifyOrder, "test" | "created_at" | "cancelled_at">, tenant: Pick<Tenant, "syncOrdersCreatedAfter">, syncTestOrders: boolean): string | null {
  if (order.test && !syncTestOrders) {
    return REASONS.testOrder;
  }
  if (Date.parse(order.created_at) < tenant.syncOrdersCreatedAfter.getTime()) {
    return REASONS.beforeStart(tenant.syncOrdersCreatedAfter.toISOString().slice(0, 10));
  }
  if (order.cancelled_at) return REASONS.cancelled(order.cancelled_at);
  return null;
}

/** What the worker does with an order, decided from the order and the winery's settings alone (no I/O). */
export type SalesOrderPlan =
  | { kind: "skip"; reason: string }
  | { kind: "refuse"; error: PlainError }
  | { kind: "send"; built: Extract<BuildSalesOrderResult, { ok: true }>; settings: SalesOrderSettings };

/**
 * The worker's skip rules, then the mapping: the order is skipped, refused (and why, in the words the sync log
 * shows), or sent as this body. The worker and the setup preview both decide with it, so the preview shows exactly
 * what the worker would send.
 */
export function planSalesOrder(
  order: ShopifyOrder,
  context: { tenant: Pick<Tenant, "shopDomain" | "syncOrdersCreatedAfter">; vintrace: MappingSettings & { syncTestOrders: boolean }; mappings: SkuMappingRow[] },
): SalesOrderPlan {
  const reason = skipReasonFor(order, context.tenant, context.vintrace.syncTestOrders);
  if (reason) return { kind: "skip", reason };
  const settings = salesOrderSettingsFrom(context.vintrace, context.mappings);
  const built = buildSalesOrder(order, settings, context.tenant.shopDomain);
  if (!built.ok) return { kind: "refuse", error: refusalError(order, settings, built) };
  return { kind: "send", built, settings };
}

/**
 * A body the mapping refused: a setting (currency, shipping code) or the products (SKUs, mappings, or ignore rules
 * that leave no product line). Each is permanent until the winery changes something, so none is retried by itself.
 */
export function refusalError(order: ShopifyOrder, settings: SalesOrderSettings, built: Extract<BuildSalesOrderResult, { ok: false }>): PlainError {
  const message = built.problems.join(" ");
  if (built.noProductLines) return { class: "VALIDATION", message, fix: { where: "products", howTo: NO_PRODUCT_LINES_HOW_TO } };
  if (order.currency.toUpperCase() !== settings.currency.toUpperCase()) {
    return {
      class: "CONFIG",
      message,
      fix: { where: "settings", howTo: `If your vintrace prices are in ${order.currency}, change the currency in Settings; otherwise enter this order in vintrace by hand.` },
    };
  }
  if (settings.shippingPolicy === "STOCK_CODE" && !settings.shippingStockCode?.trim() && order.shipping_lines.length > 0) {
    return { class: "CONFIG", message, fix: { where: "settings", howTo: "Set the shipping stock code in Settings, or stop sending shipping as a line." } };
  }
  return {
    class: "VALIDATION",
    message,
    fix: { where: "products", howTo: "Fix the products named above on the Products page (map the SKU, or ignore the line), then retry." },
  };
}

/** The vintrace codes a refusal named, and the Shopify SKUs they came from: a fix to either re-queues the order. */
function missingSkusOf(error: VintraceError, built: Extract<BuildSalesOrderResult, { ok: true }>): string[] {
  const codes = error.missingStockCodes ?? [];
  const skus = built.lines.filter((line) => codes.includes(line.itemName) && line.sku).map((line) => line.sku as string);
  return [...new Set([...codes, ...skus])];
}
