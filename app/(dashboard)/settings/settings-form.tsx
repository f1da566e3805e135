"use client";

// The settings form: the vintrace connection and how orders are sent. The API key is write-only: the form only
// learns whether one is set. "Test connection" checks what is on the form (saved or not) and says, setting by
// setting, what vintrace thinks of it. Staff see the connection (address, key, authentication, customer) read-only:
// only an owner or Winehub support changes it. The Settings page shows it whole; the setup wizard's first step shows
// the connection alone.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Button, Card, Field, Notice, Select, TextInput, Time } from "@/components/ui";
import { storageAreaFromText, type TenantSettingsInput } from "@/lib/tenant-settings";
import { TaxPolicySwitch } from "./tax-policy-switch";

export type SettingsView = RouterOutputs["settings"]["get"];
type View = SettingsView;
export type Verification = Extract<RouterOutputs["settings"]["testConnection"], { ok: true }>["verification"];

/** The form's fields: the settings schema's, with the key, storage area and shipping code as typed text. */
type Form = Omit<TenantSettingsInput, "apiKey" | "storageAreaId" | "shippingStockCode"> & { apiKey: string; storageAreaId: string; shippingStockCode: string };

const formOf = (v: View): Form => ({
  baseUrl: v.baseUrl,
  apiKey: "",
  authScheme: v.authScheme,
  customerName: v.customerName,
  salesPriceList: v.salesPriceList,
  storageAreaId: v.storageAreaId === null ? "" : String(v.storageAreaId),
  taxPolicy: v.taxPolicy,
  discountMode: v.discountMode,
  currency: v.currency,
  shippingPolicy: v.shippingPolicy,
  shippingStockCode: v.shippingStockCode ?? "",
  syncTestOrders: v.syncTestOrders,
  ignoreStockError: v.ignoreStockError,
});

/** Each field's first message, from a tRPC error's field errors. */
export function firstErrors(fieldErrors: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (fieldErrors && typeof fieldErrors === "object") {
    for (const [field, messages] of Object.entries(fieldErrors as Record<string, unknown>)) {
      if (Array.isArray(messages) && typeof messages[0] === "string") out[field] = messages[0];
    }
  }
  return out;
}

/** Which parts of the form are shown: the vintrace connection, how orders are sent, or both (Settings). */
export type SettingsSection = "connection" | "sending";

/**
 * The settings form. Every setting is saved together (the settings schema takes them all), so a form showing one
 * section saves the other as it was loaded.
 */
export function SettingsForm({ tenantId, view, sections = ["connection", "sending"] }: { tenantId: string; view: View; sections?: SettingsSection[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => formOf(view));
  const [saved, setSaved] = useState<{ changed: string[]; requeued: number } | null>(null);
  const save = useMutation(
    trpc.settings.save.mutationOptions({
      onSuccess: (result) => {
        setSaved(result);
        // The key is write-only: once saved, the field goes back to "•••• set".
        setForm((f) => ({ ...f, apiKey: "" }));
        void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey({ tenantId }) });
      },
    }),
  );
  const test = useMutation(trpc.settings.testConnection.mutationOptions());
  const errors = { ...firstErrors(test.error?.data?.fieldErrors), ...firstErrors(save.error?.data?.fieldErrors) };
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  /** The connection as typed: what a save sends, and what "Test connection" checks. */
  const connection = () => ({
    tenantId,
    baseUrl: form.baseUrl,
    apiKey: form.apiKey || undefined,
    authScheme: form.authScheme,
    customerName: form.customerName,
    salesPriceList: form.salesPriceList,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    save.mutate({
      ...connection(),
      storageAreaId: storageAreaFromText(form.storageAreaId),
      taxPolicy: form.taxPolicy,
      discountMode: form.discountMode,
      currency: form.currency,
      shippingPolicy: form.shippingPolicy,
      shippingStockCode: form.shippingStockCode.trim() || null,
      syncTestOrders: form.syncTestOrders,
      ignoreStockError: form.ignoreStockError === true,
    });
  };

  const runTest = () => {
    const area = storageAreaFromText(form.storageAreaId);
    test.mutate({ ...connection(), storageAreaId: area !== null && Number.isInteger(area) && area > 0 ? area : null });
  };

  const verification = test.data?.verification ?? null;
  const locked = !view.canChangeConnection;
  const fieldError = (field: keyof Form) => errors[field];
  const saveProblem = save.error && !Object.keys(firstErrors(save.error.data?.fieldErrors)).length ? save.error.message : null;

  return (
    <form method="post" onSubmit={submit} noValidate className="space-y-5" aria-label="vintrace settings">
      {sections.includes("connection") && (
        <Card title="vintrace connection">
          {locked && (
            <div className="mb-4">
              <Notice testId="connection-locked">
                Only an owner of this winery or Winehub support can change the connection: it decides where your orders go and with which key. You can
                still test it, and change how orders are sent below.
              </Notice>
            </div>
          )}
          <div className="grid gap-4 md:grid-cols-2">
            <Field id="baseUrl" label="vintrace address" hint="The address you sign in to vintrace with, e.g. https://oz50.vintrace.net/yourcode" error={fieldError("baseUrl")}>
              <TextInput id="baseUrl" value={form.baseUrl} readOnly={locked} onChange={(e) => set("baseUrl", e.target.value)} invalid={Boolean(fieldError("baseUrl"))} autoComplete="off" />
            </Field>
            <Field
              id="apiKey"
              label="API key"
              hint={locked ? undefined : view.apiKey ? `${view.apiKey}. Leave blank to keep it; type a new key to replace it.` : "Create one in vintrace under your user's API tokens."}
              error={fieldError("apiKey")}
            >
              <TextInput
                id="apiKey"
                type="password"
                value={form.apiKey}
                readOnly={locked}
                placeholder={view.apiKey ?? "Not set"}
                onChange={(e) => set("apiKey", e.target.value)}
                invalid={Boolean(fieldError("apiKey"))}
                autoComplete="new-password"
              />
            </Field>
            <Field id="authScheme" label="Authentication" error={fieldError("authScheme")}>
              <Select id="authScheme" value={form.authScheme} disabled={locked} onChange={(e) => set("authScheme", e.target.value as Form["authScheme"])}>
                <option value="BEARER">Bearer token (API key)</option>
                <option value="BASIC">Basic (user name and password)</option>
              </Select>
            </Field>
            <Field id="customerName" label="Customer name" hint="The vintrace customer web orders are recorded against, exactly as vintrace spells it." error={fieldError("customerName")}>
              <TextInput id="customerName" value={form.customerName} readOnly={locked} onChange={(e) => set("customerName", e.target.value)} invalid={Boolean(fieldError("customerName"))} />
            </Field>
            <Field id="salesPriceList" label="Sales price list" error={fieldError("salesPriceList")}>
              <TextInput id="salesPriceList" value={form.salesPriceList} onChange={(e) => set("salesPriceList", e.target.value)} invalid={Boolean(fieldError("salesPriceList"))} />
            </Field>
            <Field id="storageAreaId" label="Storage area id" hint="Leave blank for vintrace's default." error={fieldError("storageAreaId")}>
              <TextInput id="storageAreaId" inputMode="numeric" value={form.storageAreaId} onChange={(e) => set("storageAreaId", e.target.value)} invalid={Boolean(fieldError("storageAreaId"))} />
            </Field>
          </div>
          <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
            <Button onClick={runTest} disabled={test.isPending}>
              {test.isPending ? "Testing…" : "Test connection"}
            </Button>
            <span className="text-xs text-slate-500">
              {view.lastVerifiedAt ? (
                <>
                  Saved settings last tested <Time value={view.lastVerifiedAt} />.
                </>
              ) : locked ? (
                "Tests the saved connection."
              ) : (
                "Tests what is on this page, saved or not."
              )}
            </span>
          </div>
          {test.isError && !Object.keys(firstErrors(test.error.data?.fieldErrors)).length && <Notice tone="error">The test could not run: {test.error.message}</Notice>}
          {verification && <VerificationResult verification={verification} onUseCustomer={locked ? null : (name) => set("customerName", name)} />}
        </Card>
      )}

      {sections.includes("sending") && (
        <Card title="How orders are sent">
          {view.taxPolicyMismatch && (
            <div className="mb-4">
              <Notice tone="warning" testId="tax-policy-mismatch">
                <span className="flex flex-wrap items-center justify-between gap-2">
                  <span>{view.taxPolicyMismatch.message}</span>
                  <TaxPolicySwitch tenantId={tenantId} vintrace={view.taxPolicyMismatch.vintrace} onSwitched={(policy) => set("taxPolicy", policy)} />
                </span>
              </Notice>
            </div>
          )}
          <div className="grid gap-4 md:grid-cols-2">
            <Field
              id="taxPolicy"
              label="Tax policy"
              hint={
                view.taxPolicySetAt === null
                  ? "Whether your price list's prices include tax. Not chosen yet: the first sales order vintrace returns sets it."
                  : "Whether your price list's prices include tax."
              }
              error={fieldError("taxPolicy")}
            >
              <Select id="taxPolicy" value={form.taxPolicy} onChange={(e) => set("taxPolicy", e.target.value as Form["taxPolicy"])}>
                <option value="INCLUSIVE">Prices include tax</option>
                <option value="EXCLUSIVE">Prices exclude tax</option>
              </Select>
            </Field>
            <Field id="discountMode" label="Discounts" hint="Use a percentage when Xero is on in vintrace." error={fieldError("discountMode")}>
              <Select id="discountMode" value={form.discountMode} onChange={(e) => set("discountMode", e.target.value as Form["discountMode"])}>
                <option value="ADJUSTMENT">As a dollar adjustment</option>
                <option value="PERCENT">As a percentage</option>
              </Select>
            </Field>
            <Field id="currency" label="Currency" hint="Orders in another currency are refused, with a plain message." error={fieldError("currency")}>
              <TextInput id="currency" value={form.currency} maxLength={3} onChange={(e) => set("currency", e.target.value.toUpperCase())} invalid={Boolean(fieldError("currency"))} />
            </Field>
            <Field id="shippingPolicy" label="Shipping" error={fieldError("shippingPolicy")}>
              <Select id="shippingPolicy" value={form.shippingPolicy} onChange={(e) => set("shippingPolicy", e.target.value as Form["shippingPolicy"])}>
                <option value="OMIT">Leave shipping out of the sales order</option>
                <option value="STOCK_CODE">Send shipping as a line with a stock code</option>
              </Select>
            </Field>
            {form.shippingPolicy === "STOCK_CODE" && (
              <Field id="shippingStockCode" label="Shipping stock code" error={fieldError("shippingStockCode")}>
                <TextInput id="shippingStockCode" value={form.shippingStockCode} onChange={(e) => set("shippingStockCode", e.target.value)} invalid={Boolean(fieldError("shippingStockCode"))} />
              </Field>
            )}
            <div className="flex items-start gap-2 md:col-span-2">
              <input id="syncTestOrders" type="checkbox" checked={form.syncTestOrders} onChange={(e) => set("syncTestOrders", e.target.checked)} className="mt-1 accent-indigo-600" />
              <label htmlFor="syncTestOrders" className="text-sm">
                <span className="font-medium text-slate-700">Sync test orders</span>
                <span className="block text-xs text-slate-500">Shopify test orders are skipped unless this is on.</span>
              </label>
            </div>
            <div className="flex items-start gap-2 md:col-span-2">
              <input
                id="ignoreStockError"
                type="checkbox"
                checked={form.ignoreStockError === true}
                onChange={(e) => set("ignoreStockError", e.target.checked)}
                className="mt-1 accent-indigo-600"
              />
              <label htmlFor="ignoreStockError" className="text-sm">
                <span className="font-medium text-slate-700">Send orders even when vintrace shows too little stock</span>
                <span className="block text-xs text-slate-500">
                  Off: vintrace refuses an order it has too little stock for, and the order waits for a restock. On: vintrace takes it anyway.
                </span>
              </label>
            </div>
          </div>
        </Card>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </Button>
        {saved && (
          <Notice tone="success" testId="settings-saved">
            {saved.changed.length === 0 ? "Nothing changed." : `Saved (${saved.changed.join(", ")}).`}
            {saved.requeued > 0 && ` ${saved.requeued} failed ${saved.requeued === 1 ? "order was" : "orders were"} queued again.`}
          </Notice>
        )}
        {save.isError && (
          <Notice tone="error" testId="settings-error">
            {saveProblem ?? "Not saved: fix the fields marked above."}
          </Notice>
        )}
      </div>
    </form>
  );
}

const CHECK_LABEL: Record<string, string> = { connection: "Connection", customer: "Customer", storageArea: "Storage area", priceList: "Price list" };
const CHECK_ICON: Record<string, string> = { ok: "✓", error: "✕", warning: "!", unchecked: "–" };
const CHECK_STYLE: Record<string, string> = {
  ok: "bg-emerald-100 text-emerald-800",
  error: "bg-red-100 text-red-800",
  warning: "bg-amber-100 text-amber-800",
  unchecked: "bg-slate-100 text-slate-600",
};

/** The verdicts; a suggested customer name can be taken over by whoever may change the connection (onUseCustomer). */
export function VerificationResult({ verification, onUseCustomer }: { verification: Verification; onUseCustomer: ((name: string) => void) | null }) {
  return (
    <div className="mt-4 space-y-2" aria-live="polite" data-testid="verification">
      <p className={`text-sm font-medium ${verification.ok ? "text-emerald-700" : "text-red-700"}`}>
        {verification.ok ? "vintrace accepts these settings." : "vintrace does not accept these settings yet:"}
      </p>
      <ul className="space-y-2">
        {verification.checks.map((check) => {
          const suggested = check.key === "customer" ? /Did you mean '(.+)'\?/.exec(check.suggestion ?? "")?.[1] : undefined;
          return (
            <li key={check.key} className="flex gap-3 text-sm" data-testid={`check-${check.key}`}>
              <span aria-hidden className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${CHECK_STYLE[check.status]}`}>
                {CHECK_ICON[check.status]}
              </span>
              <div>
                <p>
                  <span className="font-medium">{CHECK_LABEL[check.key] ?? check.key}</span>
                  <span className="sr-only"> ({check.status})</span>: {check.message}
                </p>
                {check.suggestion && <p className="text-slate-600">{check.suggestion}</p>}
                {suggested && onUseCustomer && (
                  <Button className="mt-1" onClick={() => onUseCustomer(suggested)}>
                    Use &lsquo;{suggested}&rsquo;
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
