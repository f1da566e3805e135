"use client";

// Step 3: how orders are sent. Each choice starts at a default, and says where the default came from: what vintrace
// reported, what Shopify's recent orders show, or the saved value. Saved as Settings saves them.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Button, Card, ErrorState, Field, Loading, Notice, Select, TextInput } from "@/components/ui";
import { firstErrors } from "../settings/settings-form";
import { TAX_POLICY_WORDS, type TaxPolicy } from "../settings/tax-policy-switch";
import type { StepProps } from "./step-props";

type Defaults = RouterOutputs["setup"]["sendingDefaults"];
type DiscountMode = Defaults["discountMode"]["value"];

export function SendingStep(props: StepProps) {
  const trpc = useTRPC();
  const defaults = useQuery(trpc.setup.sendingDefaults.queryOptions({ tenantId: props.tenantId }));
  if (defaults.isPending) return <Loading label="Looking at vintrace and your recent Shopify orders…" />;
  if (defaults.isError) return <ErrorState title="Could not load the defaults" error={defaults.error} onRetry={() => void defaults.refetch()} />;
  return <SendingForm {...props} defaults={defaults.data} />;
}

function SendingForm({ tenantId, canChange, onDone, defaults }: StepProps & { defaults: Defaults }) {
  const trpc = useTRPC();
  const [form, setForm] = useState({
    startDate: defaults.startDate.value,
    syncTestOrders: defaults.syncTestOrders.value,
    taxPolicy: defaults.taxPolicy.value,
    discountMode: defaults.discountMode.value,
  });
  const save = useMutation(trpc.setup.saveSending.mutationOptions({ onSuccess: onDone }));
  const errors = firstErrors(save.error?.data?.fieldErrors);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ tenantId, ...form });
  };
  return (
    <form method="post" onSubmit={submit} noValidate aria-label="How orders are sent" className="space-y-5">
      <Card title="How orders are sent">
        <div className="grid gap-4 md:grid-cols-2">
          <Field id="startDate" label="Sync orders created after" hint={defaults.startDate.source} error={errors.startDate}>
            <TextInput id="startDate" type="date" value={form.startDate} onChange={(e) => setForm({ ...form, startDate: e.target.value })} invalid={Boolean(errors.startDate)} />
          </Field>
          <Field id="taxPolicy" label="Tax policy" hint={defaults.taxPolicy.source}>
            <Select id="taxPolicy" value={form.taxPolicy} onChange={(e) => setForm({ ...form, taxPolicy: e.target.value as TaxPolicy })}>
              <option value="INCLUSIVE">Price list {TAX_POLICY_WORDS.INCLUSIVE}</option>
              <option value="EXCLUSIVE">Price list {TAX_POLICY_WORDS.EXCLUSIVE}</option>
            </Select>
          </Field>
          <Field id="discountMode" label="Discounts" hint={defaults.discountMode.source}>
            <Select id="discountMode" value={form.discountMode} onChange={(e) => setForm({ ...form, discountMode: e.target.value as DiscountMode })}>
              <option value="ADJUSTMENT">As a dollar adjustment</option>
              <option value="PERCENT">As a percentage</option>
            </Select>
          </Field>
          <div className="flex items-start gap-2">
            <input id="syncTestOrders" type="checkbox" checked={form.syncTestOrders} onChange={(e) => setForm({ ...form, syncTestOrders: e.target.checked })} className="mt-1 accent-indigo-600" />
            <label htmlFor="syncTestOrders" className="text-sm">
              <span className="font-medium text-slate-700">Sync test orders</span>
              <span className="block text-xs text-slate-500">{defaults.syncTestOrders.source}</span>
            </label>
          </div>
        </div>
      </Card>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={!canChange || save.isPending}>
          {save.isPending ? "Saving…" : "Save and continue"}
        </Button>
        {save.error && !errors.startDate && <Notice tone="error">{save.error.message}</Notice>}
      </div>
    </form>
  );
}
