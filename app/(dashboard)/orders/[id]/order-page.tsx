"use client";

// One order, Stripe-style: what happened, why, where to fix it, and every attempt with its request and response.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { JsonView } from "@/components/json-view";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, Card, ErrorState, Loading, Notice, PageHeader, StatusBadge, Table, Td, Th, Time } from "@/components/ui";
import { useTenantHref, useViewer, TenantGate } from "@/components/tenant";
import { VintraceCodeInShopify } from "@/app/(dashboard)/orders/[id]/vintrace-code-in-shopify";
import { OrderChangesSection } from "./order-changes-section";

const TAG_TEXT: Record<string, string> = {
  NONE: "Not tagged yet",
  PENDING_CREATED: "Adding vintrace-order-created…",
  PENDING_ERROR: "Adding vintrace-order-error…",
  CREATED: "vintrace-order-created",
  ERROR: "vintrace-order-error",
};

const STEP_TEXT: Record<string, string> = {
  LOOKUP: "Looked for it in vintrace",
  CREATE: "Sent the sales order to vintrace",
  DIAGNOSE: "Diagnosed vintrace's refusal",
  CHECK: "Checked the order",
  TAG: "Tagged the Shopify order",
  METAFIELD: "Wrote the vintrace code to the Shopify order",
};

export function OrderDetailPage({ orderSyncId }: { orderSyncId: string }) {
  return <TenantGate what="order">{(tenantId) => <OrderDetail tenantId={tenantId} orderSyncId={orderSyncId} />}</TenantGate>;
}

function OrderDetail({ tenantId, orderSyncId }: { tenantId: string; orderSyncId: string }) {
  const trpc = useTRPC();
  const href = useTenantHref();
  const isSupport = useViewer().role === "SUPPORT";
  const queryClient = useQueryClient();
  const detail = useQuery({
    ...trpc.orders.get.queryOptions({ tenantId, orderSyncId }),
    // Follow the order while the worker has it.
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && (data.status === "PENDING" || data.inProgress || data.tagState.startsWith("PENDING") || data.metafield.state === "waiting") ? 2_000 : false;
    },
  });
  const onRetried = () => void queryClient.invalidateQueries({ queryKey: trpc.orders.get.queryKey({ tenantId, orderSyncId }) });
  const retry = useMutation(trpc.orders.retry.mutationOptions({ onSuccess: onRetried }));
  // Support's retry of an unrecognised refusal: its answer is shown with the other retry's, since the refusal (and
  // the button with it) goes once the order syncs.
  const reviewed = useMutation(trpc.orders.retryAfterReview.mutationOptions({ onSuccess: onRetried }));

  if (detail.isPending) return <Loading label="Loading the order…" />;
  if (detail.isError) {
    return (
      <ErrorState
        title={detail.error.data?.code === "NOT_FOUND" ? "No such order" : "Could not load the order"}
        error={detail.error}
        onRetry={detail.error.data?.code === "NOT_FOUND" ? undefined : () => void detail.refetch()}
      />
    );
  }
  const order = detail.data;
  const canRetry = order.status === "FAILED" || order.status === "SKIPPED" || order.status === "HELD";
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href={href("/orders")} className="hover:underline">
          Orders
        </Link>{" "}
        / {order.orderName}
      </nav>
      <PageHeader
        title={`Order ${order.orderName}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={order.status} />
            <span>{order.tenantName}</span>
            {order.inProgress && <Badge tone="indigo">being synced now</Badge>}
          </span>
        }
        actions={
          <Button variant={canRetry ? "primary" : "secondary"} onClick={() => retry.mutate({ tenantId, orderSyncId })} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : "Retry"}
          </Button>
        }
      />
      {retry.isError && <Notice tone="error">The retry could not start: {retry.error.message}</Notice>}
      {retry.data && (
        <Notice tone={retry.data.action === "none" ? "info" : "success"} testId="retry-result">
          {retry.data.action === "queued" ? "Queued: " : retry.data.action === "tag_queued" ? "Tag correction queued: " : ""}
          {retry.data.message}
        </Notice>
      )}
      {reviewed.isError && <Notice tone="error">The retry could not start: {reviewed.error.message}</Notice>}
      {reviewed.data && (
        <Notice tone={reviewed.data.requeued ? "success" : "info"} testId="retry-after-review-result">
          {reviewed.data.requeued
            ? "Queued again after review: it syncs shortly."
            : "Nothing queued: the order no longer fails on these words, or it failed over 7 days ago (use Retry above)."}
        </Notice>
      )}

      {order.error && order.status !== "SYNCED" && (
        <section aria-labelledby="why" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-950" data-testid="order-error">
          <h2 id="why" className="font-semibold">
            {order.status === "PENDING" ? "The last attempt failed; it will be tried again" : "Why it failed"}
            {order.error.causeLabel && <span className="ml-2 font-normal text-red-800">({order.error.causeLabel})</span>}
          </h2>
          <p className="mt-1" data-testid="order-error-message">{order.error.message}</p>
          {order.error.fix?.howTo && <p className="mt-2">{order.error.fix.howTo}</p>}
          {order.error.vintraceText && (
            <div id="vintrace-words" className="mt-2">
              <p className="text-xs font-medium text-red-800">vintrace&apos;s words, as it wrote them:</p>
              <blockquote className="mt-1 border-l-2 border-red-300 pl-2 font-mono text-xs whitespace-pre-wrap" data-testid="vintrace-words">
                {order.error.vintraceText}
              </blockquote>
            </div>
          )}
          {order.error.cause === "UNRECOGNISED" ? (
            isSupport ? (
              <RetryAfterReview
                onRetry={() => reviewed.mutate({ tenantId, orderSyncId })}
                pending={reviewed.isPending}
                done={Boolean(reviewed.data?.requeued)}
              />
            ) : (
              <TellSupport orderName={order.orderName} vintraceText={order.error.vintraceText} />
            )
          ) : (
            order.error.fixHref && (
              <p className="mt-2">
                <Link href={order.error.fixHref} className="font-medium text-red-900 underline underline-offset-2 hover:no-underline" data-testid="fix-link">
                  {order.error.fixHref.startsWith("/products") ? "Fix it on the Products page →" : "Fix it in Settings →"}
                </Link>
              </p>
            )
          )}
          {/* What the winery is told to do; support has its own words for an unrecognised refusal, just above. */}
          {!(isSupport && order.error.cause === "UNRECOGNISED") && <p className="mt-2 text-xs text-red-800">{order.error.retry}</p>}
        </section>
      )}
      {order.statusReason && (
        <Notice tone={order.status === "SYNCED" ? "success" : "info"}>{order.statusReason}</Notice>
      )}

      <OrderChangesSection changes={order.changes} />

      <div className="grid gap-4 md:grid-cols-2">
        <Card title="vintrace">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Sales order</dt>
            <dd className="font-mono" data-testid="sales-order-code">{order.salesOrder ? (order.salesOrder.code ?? `#${order.salesOrder.id}`) : "—"}</dd>
            <dt className="text-slate-500">Attempts</dt>
            <dd>{order.attempts}</dd>
            {order.status === "PENDING" && (
              <>
                <dt className="text-slate-500">Next attempt</dt>
                <dd>
                  <Time value={order.nextAttemptAt} />
                </dd>
              </>
            )}
            <dt className="text-slate-500">Synced</dt>
            <dd>
              <Time value={order.syncedAt} />
            </dd>
          </dl>
        </Card>
        <Card title="Shopify">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Tag</dt>
            <dd data-testid="tag-state">
              {TAG_TEXT[order.tagState] ?? order.tagState}
              {order.tagError && <span className="block text-xs text-red-700">Tagging failed: {order.tagError}</span>}
            </dd>
            {order.salesOrder && <VintraceCodeInShopify metafield={order.metafield} />}
            <dt className="text-slate-500">Placed</dt>
            <dd>
              <Time value={order.orderCreatedAt} />
            </dd>
            <dt className="text-slate-500">Received</dt>
            <dd>
              <Time value={order.createdAt} /> <span className="text-xs text-slate-500">({order.source.toLowerCase()})</span>
            </dd>
            {order.order && (
              <>
                <dt className="text-slate-500">Total</dt>
                <dd>
                  {order.order.total ?? "—"} {order.order.currency}
                  {order.order.test && <Badge tone="amber">test order</Badge>}
                  {order.order.cancelledAt && <Badge tone="red">cancelled</Badge>}
                </dd>
              </>
            )}
          </dl>
        </Card>
      </div>

      {order.warnings.length > 0 && (
        <Card title="Notes">
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            {order.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Card>
      )}

      {order.order && (
        <Table label="Lines">
          <thead>
            <tr>
              <Th>SKU</Th>
              <Th>Product</Th>
              <Th className="text-right">Qty</Th>
              <Th className="text-right">Price</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {order.order.lines.map((line, i) => (
              <tr key={`${line.sku}-${i}`} className={line.missing ? "bg-red-50" : undefined}>
                <Td className="font-mono text-xs">
                  {line.sku ?? <span className="text-slate-500">no SKU</span>}
                  {line.missing && (
                    <span className="ml-2">
                      <Badge tone="red">not in vintrace</Badge>
                    </span>
                  )}
                </Td>
                <Td>
                  {line.title}
                  {line.giftCard && <Badge>gift card</Badge>}
                </Td>
                <Td className="text-right tabular-nums">{line.quantity}</Td>
                <Td className="text-right tabular-nums">{line.price}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Card title={`Timeline (${order.history.length})`}>
        {order.history.length === 0 ? (
          <p className="text-sm text-slate-500">No attempts yet: the worker picks the order up shortly.</p>
        ) : (
          <ol className="relative space-y-4 border-l border-slate-200 pl-5" aria-label="Attempts">
            {order.history.map((a) => (
              <li key={a.id} className="relative" data-testid="attempt">
                <span
                  aria-hidden
                  className={`absolute top-1.5 -left-[1.65rem] h-2.5 w-2.5 rounded-full ring-4 ring-white ${a.outcome === "failed" ? "bg-red-500" : a.outcome === "skipped" ? "bg-slate-400" : "bg-emerald-500"}`}
                />
                <div className="flex flex-wrap items-baseline gap-x-2 text-sm">
                  <span className="font-medium">{STEP_TEXT[a.step] ?? a.step}</span>
                  <Badge tone={a.outcome === "failed" ? "red" : a.outcome === "skipped" ? "slate" : "green"}>{a.outcome.replace("_", " ")}</Badge>
                  {a.errorClass && <Badge tone="red">{a.errorClass}</Badge>}
                  <span className="text-xs text-slate-500">
                    <Time value={a.at} /> · {a.durationMs} ms · by {a.trigger}
                  </span>
                </div>
                {a.message && <p className="mt-0.5 text-sm text-slate-700">{a.message}</p>}
                <JsonView label="Request" value={a.request} />
                <JsonView label="Response" value={a.response} />
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

/** vintrace refused the order in words our checks do not recognise: the winery passes them on to support. */
function TellSupport({ orderName, vintraceText }: { orderName: string; vintraceText: string | null }) {
  const [copied, setCopied] = useState(false);
  const note = `Order ${orderName} was refused by vintrace: "${vintraceText ?? "(no words given)"}"`;
  return (
    <div className="mt-2" data-testid="tell-support">
      <p>
        <strong>Tell support.</strong> They see this refusal on their Overview too, grouped with others in the same words; once
        they have found the cause they retry it.
      </p>
      <Button
        className="mt-2"
        onClick={() => {
          void navigator.clipboard?.writeText(note).then(() => setCopied(true));
        }}
      >
        {copied ? "Copied for support" : "Copy the details for support"}
      </Button>
    </div>
  );
}

/** Support's side of the same refusal: once they have read the words and found the cause, they retry the order. */
function RetryAfterReview({ onRetry, pending, done }: { onRetry: () => void; pending: boolean; done: boolean }) {
  return (
    <div className="mt-2" data-testid="retry-after-review">
      <p>
        <strong>No check recognised these words.</strong> Once you have read them and found the cause (and it is fixed), retry the order: it goes
        through the whole sync again.
      </p>
      <Button className="mt-2" variant="primary" onClick={onRetry} disabled={pending || done}>
        {pending ? "Retrying…" : "Retry after review"}
      </Button>
    </div>
  );
}
