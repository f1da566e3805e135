"use client";

// Step 5: going live. The owner chooses what happens to the orders that came before: the ones held during setup are
// sent or skipped, and the shop's orders since a chosen date can be sent too. Before the confirm, the bulk retry's
// preview says what will happen to each order sent.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button, Card, ErrorState, Field, Loading, Notice, TextInput } from "@/components/ui";
import { VerdictTable } from "../retry/retry-page";
import type { StepProps, WentLive } from "./step-props";

const day = (date: Date | string) => new Date(date).toISOString().slice(0, 10);

export function GoLiveStep({ tenantId, state, canChange, onWentLive }: StepProps & { onWentLive: (result: WentLive) => void }) {
  const trpc = useTRPC();
  const [sendHeld, setSendHeld] = useState(true);
  const [bySince, setBySince] = useState(false);
  const [since, setSince] = useState(day(state.syncOrdersCreatedAfter));
  const choices = { sendHeld, since: bySince ? since : null };
  const preview = useQuery(trpc.setup.goLivePreview.queryOptions({ tenantId, ...choices }));
  const start = useMutation(trpc.setup.goLive.mutationOptions({ onSuccess: onWentLive }));
  const held = state.heldOrders;
  const sending = preview.data ? preview.data.preview.counts.found : 0;

  return (
    <div className="space-y-5">
      <Card title="The orders that came before">
        <div className="space-y-4 text-sm">
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-1 accent-indigo-600" checked={sendHeld} onChange={(e) => setSendHeld(e.target.checked)} />
            <span>
              <span className="font-medium text-slate-700">
                Send the {held} {held === 1 ? "order" : "orders"} held during setup
              </span>
              <span className="block text-xs text-slate-500">Not sent: they are marked skipped, with the reason, and stay on the sync log.</span>
            </span>
          </label>
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex items-start gap-2">
              <input type="checkbox" className="mt-1 accent-indigo-600" checked={bySince} onChange={(e) => setBySince(e.target.checked)} />
              <span>
                <span className="font-medium text-slate-700">Also send the shop&apos;s orders since a date</span>
                <span className="block text-xs text-slate-500">Orders placed before the app was installed are found in Shopify and sent too.</span>
              </span>
            </label>
            {bySince && (
              <Field id="since" label="Orders since">
                <TextInput id="since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
              </Field>
            )}
          </div>
        </div>
      </Card>
      <Card title="Before you confirm: what will be sent">
        {preview.isPending ? (
          <Loading label="Looking the orders up in Shopify and vintrace…" />
        ) : preview.isError ? (
          <ErrorState title="The preview failed" error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <div className="space-y-3" data-testid="go-live-preview">
            {preview.data.preview.verdicts.length === 0 ? (
              <p className="text-sm text-slate-600">No earlier order will be sent: only the orders placed from now on.</p>
            ) : (
              <VerdictTable verdicts={preview.data.preview.verdicts} />
            )}
            {preview.data.skipped > 0 && (
              <p className="text-sm text-slate-600" data-testid="go-live-skipped">
                {preview.data.skipped} held {preview.data.skipped === 1 ? "order" : "orders"} will be skipped.
              </p>
            )}
          </div>
        )}
      </Card>
      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="primary" onClick={() => start.mutate({ tenantId, ...choices })} disabled={!canChange || start.isPending || !preview.data}>
            {start.isPending ? "Testing vintrace…" : `Start sending orders${sending > 0 ? ` (${sending} now)` : ""}`}
          </Button>
          <span className="text-xs text-slate-500">vintrace is tested with the saved settings first; then every new order is sent as it arrives.</span>
        </div>
        {start.error && <Notice tone="error">{start.error.message}</Notice>}
      </Card>
    </div>
  );
}
