"use client";

// Step 4: the owner picks up to ten recent Shopify orders and sees, for each, the exact sales order the sync would
// send to vintrace, or the exact reason it would not be sent. Nothing is sent, and nothing is written to Shopify.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, Card, EmptyState, ErrorState, Loading, Notice, Time } from "@/components/ui";
import type { StepProps } from "./step-props";

type Preview = RouterOutputs["setup"]["preview"][number];

const MAX_PICKED = 10;

export function PreviewStep({ tenantId, canChange, onDone }: StepProps) {
  const trpc = useTRPC();
  const orders = useQuery(trpc.setup.recentOrders.queryOptions({ tenantId }));
  const [picked, setPicked] = useState<string[]>([]);
  const [asked, setAsked] = useState<string[]>([]);
  const preview = useQuery({ ...trpc.setup.preview.queryOptions({ tenantId, orderGids: asked }), enabled: asked.length > 0 });
  const complete = useMutation(trpc.setup.completePreview.mutationOptions({ onSuccess: onDone }));
  const toggle = (gid: string) => setPicked((now) => (now.includes(gid) ? now.filter((g) => g !== gid) : now.length < MAX_PICKED ? [...now, gid] : now));

  return (
    <div className="space-y-5">
      <Card title="Pick orders to preview">
        <p className="mb-3 text-sm text-slate-600">
          Pick up to {MAX_PICKED} of your recent Shopify orders: for each, you see the exact sales order that would be sent to vintrace, or why it would not be
          sent. Nothing is sent.
        </p>
        {orders.isPending ? (
          <Loading label="Loading your recent Shopify orders…" />
        ) : orders.isError ? (
          <ErrorState title="Could not load your recent orders" error={orders.error} onRetry={() => void orders.refetch()} />
        ) : orders.data.length === 0 ? (
          <EmptyState title="No recent orders">Your shop has no orders in the last 60 days to preview. You can go on without a preview.</EmptyState>
        ) : (
          <ul className="grid gap-1 sm:grid-cols-2" aria-label="Recent orders">
            {orders.data.map((o) => (
              <li key={o.id}>
                <label className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-slate-50">
                  <input type="checkbox" className="accent-indigo-600" checked={picked.includes(o.id)} onChange={() => toggle(o.id)} disabled={!picked.includes(o.id) && picked.length >= MAX_PICKED} />
                  <span className="font-mono">{o.name}</span>
                  <span className="text-xs text-slate-500">
                    <Time value={o.createdAt} />
                    {o.test ? " · test order" : ""}
                    {o.cancelledAt ? " · cancelled" : ""}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <Button onClick={() => setAsked(picked)} disabled={picked.length === 0 || preview.isFetching}>
            {preview.isFetching ? "Previewing…" : `Preview ${picked.length || ""} ${picked.length === 1 ? "order" : "orders"}`.replace("  ", " ")}
          </Button>
          <span className="text-xs text-slate-500">
            {picked.length} of {MAX_PICKED} picked
          </span>
        </div>
      </Card>
      {preview.isError && <ErrorState title="The preview failed" error={preview.error} />}
      {preview.data && (
        <ul className="space-y-3" aria-label="Preview">
          {preview.data.map((p) => (
            <OrderPreview key={p.orderGid} preview={p} />
          ))}
        </ul>
      )}
      <Card>
        <Button variant="primary" onClick={() => complete.mutate({ tenantId })} disabled={!canChange || complete.isPending}>
          Continue
        </Button>
        {complete.error && <Notice tone="error">{complete.error.message}</Notice>}
      </Card>
    </div>
  );
}

const OUTCOME = { send: { label: "Would be sent", tone: "green" }, fail: { label: "Would fail", tone: "red" }, skip: { label: "Would be skipped", tone: "slate" } } as const;

function OrderPreview({ preview }: { preview: Preview }) {
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="order-preview" data-outcome={preview.outcome} data-order={preview.name}>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-mono font-medium">{preview.name}</span>
        <Badge tone={OUTCOME[preview.outcome].tone}>{OUTCOME[preview.outcome].label}</Badge>
      </p>
      {preview.outcome === "send" ? (
        <>
          <p className="mt-2 text-xs font-medium text-slate-600">The sales order sent to vintrace:</p>
          <pre className="mt-1 max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs leading-relaxed whitespace-pre-wrap" data-testid="preview-body">
            {JSON.stringify(preview.body, null, 2)}
          </pre>
          {preview.notes.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-xs text-slate-600">
              {preview.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <div className="mt-2 text-sm" data-testid="preview-reason">
          <p>{preview.reason}</p>
          {preview.outcome === "fail" && preview.howTo && <p className="mt-1 text-slate-600">{preview.howTo}</p>}
        </div>
      )}
    </li>
  );
}
