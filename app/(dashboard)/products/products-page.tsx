"use client";

// The Products page: the match check between Shopify variants and vintrace stock items (run on demand here, and
// nightly), its filters and CSV, and the winery's product rules: the SKU map (a Shopify SKU → a vintrace code × a
// multiplier, e.g. a 6-pack against a single bottle) and what to ignore (lines without a SKU, gift cards, listed SKUs).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { downloadText } from "@/components/download";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, Card, EmptyState, ErrorState, Field, Loading, Notice, PageHeader, Table, Td, TextArea, TextInput, Th, Time, timeAgo } from "@/components/ui";
import { TenantGate } from "@/components/tenant";
import { useFragmentFocus } from "@/components/use-fragment-focus";
import type { CauseInfo } from "@/lib/causes";
import { toCsv } from "@/lib/csv";

const IGNORE_RULES_ID: NonNullable<CauseInfo["fixSection"]> = "ignore-rules";

type Check = NonNullable<RouterOutputs["products"]["latest"]["last"]>;
type Row = RouterOutputs["products"]["rows"][number];

type FilterKey = "all" | "problems" | "matched" | "missing" | "nameDiffers" | "priceDiffers" | "noSku" | "ignored" | "priceNotCheckable";

const FILTERS: { key: FilterKey; label: string; test: (r: Row) => boolean }[] = [
  { key: "problems", label: "Needs attention", test: (r) => r.status === "MISSING_IN_VINTRACE" || r.status === "NO_SKU" || r.warnings.some((w) => w !== "PRICE_NOT_CHECKABLE") },
  { key: "missing", label: "SKU missing in vintrace", test: (r) => r.status === "MISSING_IN_VINTRACE" },
  { key: "nameDiffers", label: "Name differs", test: (r) => r.warnings.includes("NAME_DIFFERS") },
  { key: "priceDiffers", label: "Price differs", test: (r) => r.warnings.includes("PRICE_DIFFERS") },
  { key: "noSku", label: "Variant without SKU", test: (r) => r.status === "NO_SKU" },
  { key: "matched", label: "Matched", test: (r) => r.status === "MATCHED" },
  { key: "ignored", label: "Ignored", test: (r) => r.status === "IGNORED" },
  { key: "priceNotCheckable", label: "Price not checkable", test: (r) => r.warnings.includes("PRICE_NOT_CHECKABLE") },
  { key: "all", label: "All", test: () => true },
];

const STATUS_TEXT: Record<Row["status"], { label: string; tone: "green" | "red" | "amber" | "slate" }> = {
  MATCHED: { label: "Matched", tone: "green" },
  MISSING_IN_VINTRACE: { label: "SKU missing in vintrace", tone: "red" },
  NO_SKU: { label: "No SKU", tone: "amber" },
  IGNORED: { label: "Ignored", tone: "slate" },
};
const WARNING_TEXT: Record<Row["warnings"][number], string> = { NAME_DIFFERS: "Name differs", PRICE_DIFFERS: "Price differs", PRICE_NOT_CHECKABLE: "Price not checkable" };

export function ProductsPage() {
  return <TenantGate what="products">{(tenantId) => <ProductMatching key={tenantId} tenantId={tenantId} />}</TenantGate>;
}

/** The check and the product rules of one winery: the Products page, and the setup wizard's products step. */
export function ProductMatching({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const latest = useQuery({
    ...trpc.products.latest.queryOptions({ tenantId }),
    // A worker runs the check; the page follows its phase and progress until it is done.
    refetchInterval: (query) => (query.state.data?.running ? 1_000 : false),
  });
  const run = useMutation(
    trpc.products.run.mutationOptions({ onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.products.latest.queryKey({ tenantId }) }) }),
  );
  // A failed order's fix link for an unknown stock code names the SKU: the check and the SKU map start on it.
  const linkedSku = useSearchParams().get("sku")?.trim() || null;
  const [prefill, setPrefill] = useState<{ sku: string; nonce: number } | null>(linkedSku ? { sku: linkedSku, nonce: 0 } : null);
  const running = run.isPending || Boolean(latest.data?.running);
  // A failed order's fix link points at the ignore rules. They and the check's rows above them load after the page,
  // too late for the browser's own scroll to the fragment, so the page scrolls to them (their top at the top) and
  // puts the focus in them once all are in.
  const rulesLoaded = !useQuery(trpc.products.rules.queryOptions({ tenantId })).isPending;
  const shownCheck = latest.data?.last && latest.data.last.status !== "FAILED" ? latest.data.last.id : null;
  const rowsLoaded = !useQuery({ ...rowsQuery(trpc, tenantId, shownCheck ?? ""), enabled: shownCheck !== null }).isPending;
  const loaded = rulesLoaded && !latest.isPending && (shownCheck === null || rowsLoaded);
  useFragmentFocus(loaded, { block: "start" });

  return (
    <div className="space-y-5">
      <PageHeader
        title="Products"
        description={
          latest.data?.last ? (
            <span>
              Shopify variants against vintrace stock items. Last checked {timeAgo(latest.data.last.finishedAt ?? latest.data.last.startedAt)} (
              <Time value={latest.data.last.finishedAt ?? latest.data.last.startedAt} />, {latest.data.last.trigger === "nightly" ? "nightly" : `by ${latest.data.last.trigger.replace(/^user:/, "")}`}).
            </span>
          ) : (
            "Shopify variants against vintrace stock items. The check also runs every night."
          )
        }
        actions={
          <Button variant="primary" onClick={() => run.mutate({ tenantId })} disabled={running}>
            {running ? "Checking…" : "Run check now"}
          </Button>
        }
      />
      {running && <RunProgress run={latest.data?.running ?? null} joined={run.data?.joined ?? false} />}
      {run.isError && <Notice tone="error">The check could not run: {run.error.message}</Notice>}
      {latest.isPending ? (
        <Loading label="Loading the last check…" />
      ) : latest.isError ? (
        <ErrorState title="Could not load the last check" error={latest.error} onRetry={() => void latest.refetch()} />
      ) : !latest.data.last ? (
        <EmptyState title="No check has run yet">Run the check to compare your Shopify products with vintrace.</EmptyState>
      ) : latest.data.last.status === "FAILED" ? (
        <ErrorState title="The last check failed" error={{ message: latest.data.last.error ?? "No reason recorded." }} />
      ) : (
        <CheckRows tenantId={tenantId} check={latest.data.last} linkedSku={linkedSku} onMap={(sku) => setPrefill({ sku, nonce: Date.now() })} />
      )}
      <Rules tenantId={tenantId} prefill={prefill} />
    </div>
  );
}

type OpenRun = NonNullable<RouterOutputs["products"]["latest"]["running"]>;

/** The open run: waiting for a worker, or its phase and how many variants it has compared so far, of how many. */
function RunProgress({ run, joined }: { run: OpenRun | null; joined: boolean }) {
  const total = run?.progressTotal ?? null;
  const done = run?.progressDone ?? 0;
  return (
    <Notice>
      <div data-testid="check-progress" data-status={run?.status ?? "QUEUED"} className="space-y-2">
        <p>
          {joined && "A check was already running; you joined it. "}
          {run?.status === "RUNNING" ? (run.phase ?? "Checking") : "Waiting for a worker to start the check"}
          {total !== null && (
            <span data-testid="check-progress-count">
              {" "}
              ({done} of {total} variants compared)
            </span>
          )}
          …
        </p>
        {total !== null && total > 0 && (
          <div className="h-1.5 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="Check progress">
            <div className="h-full bg-slate-600 transition-all" style={{ width: `${Math.round((100 * done) / total)}%` }} />
          </div>
        )}
      </div>
    </Notice>
  );
}

function NameDiff({ row }: { row: Row }) {
  if (!row.nameDiff) return <>{row.vintraceName ?? "—"}</>;
  return (
    <span data-testid="name-diff">
      {row.nameDiff.map((part, i) => (
        <span key={i}>
          {i > 0 && " "}
          {part.kind === "both" ? (
            part.text
          ) : part.kind === "shopifyOnly" ? (
            <del className="rounded bg-red-100 px-0.5 text-red-800" title="Only in Shopify">
              {part.text}
            </del>
          ) : (
            <ins className="rounded bg-emerald-100 px-0.5 text-emerald-800 no-underline" title="Only in vintrace">
              {part.text}
            </ins>
          )}
        </span>
      ))}
    </span>
  );
}

interface CheckProps {
  check: Check;
  linkedSku: string | null;
  onMap: (sku: string) => void;
}

/** The query of a run's rows, shared by the table and the page's wait for them, so both make the one request. */
const rowsQuery = (trpc: ReturnType<typeof useTRPC>, tenantId: string, productCheckId: string) => ({
  ...trpc.products.rows.queryOptions({ tenantId, productCheckId }),
  staleTime: Infinity,
});

/** The last run's rows, asked for once per run: a finished run never changes, and a large shop has thousands. */
function CheckRows({ tenantId, ...props }: CheckProps & { tenantId: string }) {
  const trpc = useTRPC();
  const rows = useQuery(rowsQuery(trpc, tenantId, props.check.id));
  if (rows.isPending) return <Loading label="Loading the last check…" />;
  if (rows.isError) return <ErrorState title="Could not load the last check" error={rows.error} onRetry={() => void rows.refetch()} />;
  return <CheckResult {...props} all={rows.data} />;
}

function CheckResult({ check, all, linkedSku, onMap }: CheckProps & { all: Row[] }) {
  const [filter, setFilter] = useState<FilterKey>(linkedSku ? "all" : "problems");
  const [text, setText] = useState(linkedSku ?? "");
  const counts = useMemo(() => Object.fromEntries(FILTERS.map((f) => [f.key, all.filter(f.test).length])) as Record<FilterKey, number>, [all]);
  const needle = text.trim().toLowerCase();
  const active = FILTERS.find((f) => f.key === filter) ?? FILTERS[0];
  const rows = all.filter((r) => active.test(r) && (!needle || `${r.sku ?? ""} ${r.shopifyName} ${r.vintraceCode ?? ""} ${r.vintraceName ?? ""}`.toLowerCase().includes(needle)));
  const shown = rows.slice(0, 500);

  const csv = () =>
    downloadText(
      `product-check-${new Date(check.startedAt).toISOString().slice(0, 10)}.csv`,
      toCsv(rows, [
        { header: "Shopify SKU", value: (r) => r.sku },
        { header: "Shopify name", value: (r) => r.shopifyName },
        { header: "Shopify price", value: (r) => r.shopifyPrice },
        { header: "vintrace code", value: (r) => r.vintraceCode },
        { header: "vintrace name", value: (r) => r.vintraceName },
        { header: "vintrace price", value: (r) => r.vintracePrice },
        { header: "Units per item", value: (r) => r.multiplier },
        { header: "Status", value: (r) => STATUS_TEXT[r.status].label },
        { header: "Warnings", value: (r) => r.warnings.map((w) => WARNING_TEXT[w]).join("; ") },
      ]),
    );

  return (
    <Card
      title={`${all.length} variants checked`}
      actions={
        <Button onClick={csv} disabled={rows.length === 0}>
          Download CSV ({rows.length})
        </Button>
      }
    >
      <div className="mb-3 flex flex-wrap gap-2" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button
            key={f.key}
            type="button"
            aria-pressed={filter === f.key}
            onClick={() => setFilter(f.key)}
            className={`rounded-full border px-3 py-1 text-xs font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 ${filter === f.key ? "border-indigo-300 bg-indigo-50 text-indigo-800" : "border-slate-200 bg-white text-slate-600 hover:bg-slate-50"}`}
            data-testid={`filter-${f.key}`}
          >
            {f.label} <span className="tabular-nums">{counts[f.key]}</span>
          </button>
        ))}
      </div>
      <div className="mb-3 max-w-sm">
        <label htmlFor="product-search" className="block text-xs font-medium text-slate-600">
          Find a SKU or name
        </label>
        <TextInput id="product-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {rows.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">{filter === "problems" && !needle ? "Every product matches. 🎉" : "Nothing matches this filter."}</p>
      ) : (
        <>
          <Table label="Product check">
            <thead>
              <tr>
                <Th>Shopify</Th>
                <Th>vintrace</Th>
                <Th className="text-right">Price</Th>
                <Th>Result</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((r) => (
                <tr key={r.variantId} data-testid="product-row" data-sku={r.sku ?? ""} data-status={r.status} data-warnings={r.warnings.join(",")}>
                  <Td>
                    <span className="font-mono text-xs">{r.sku ?? <span className="text-slate-500">no SKU</span>}</span>
                    <span className="block">{r.shopifyName}</span>
                  </Td>
                  <Td>
                    <span className="font-mono text-xs">
                      {r.vintraceCode ?? "—"}
                      {r.multiplier && r.multiplier !== 1 ? ` × ${r.multiplier}` : ""}
                    </span>
                    <span className="block">
                      <NameDiff row={r} />
                    </span>
                  </Td>
                  <Td className="text-right text-xs whitespace-nowrap tabular-nums">
                    <span className="block">Shopify {r.shopifyPrice}</span>
                    <span className={`block ${r.warnings.includes("PRICE_DIFFERS") ? "font-semibold text-red-700" : "text-slate-500"}`}>
                      vintrace {r.vintracePrice ?? "—"}
                      {r.multiplier && r.multiplier !== 1 && r.vintracePrice !== undefined ? ` × ${r.multiplier}` : ""}
                    </span>
                  </Td>
                  <Td>
                    <span className="flex flex-wrap gap-1">
                      <Badge tone={STATUS_TEXT[r.status].tone}>{STATUS_TEXT[r.status].label}</Badge>
                      {r.warnings.map((w) => (
                        <Badge key={w} tone={w === "PRICE_NOT_CHECKABLE" ? "slate" : "amber"}>
                          {WARNING_TEXT[w]}
                        </Badge>
                      ))}
                    </span>
                  </Td>
                  <Td>
                    {r.status === "MISSING_IN_VINTRACE" && r.sku && (
                      <Button variant="ghost" onClick={() => onMap(r.sku as string)}>
                        Map or ignore…
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {rows.length > shown.length && <p className="mt-2 text-xs text-slate-500">Showing the first {shown.length} of {rows.length}; the CSV has them all.</p>}
        </>
      )}
    </Card>
  );
}

function Rules({ tenantId, prefill }: { tenantId: string; prefill: { sku: string; nonce: number } | null }) {
  const trpc = useTRPC();
  const rules = useQuery(trpc.products.rules.queryOptions({ tenantId }));
  if (rules.isPending) return <Loading label="Loading the product rules…" />;
  if (rules.isError) return <ErrorState title="Could not load the product rules" error={rules.error} onRetry={() => void rules.refetch()} />;
  return (
    <div className="grid gap-5 lg:grid-cols-2">
      <SkuMap tenantId={tenantId} mappings={rules.data.mappings} prefill={prefill} />
      {rules.data.ignore ? (
        <IgnoreRules key={rules.data.ignore.ignoredSkus.join("\n")} tenantId={tenantId} ignore={rules.data.ignore} prefill={prefill} />
      ) : (
        <Card title="Ignore rules">
          <p className="text-sm text-slate-500">Set up vintrace in Settings first.</p>
        </Card>
      )}
    </div>
  );
}

function firstError(fieldErrors: unknown, field: string): string | undefined {
  const list = fieldErrors && typeof fieldErrors === "object" ? (fieldErrors as Record<string, unknown>)[field] : undefined;
  return Array.isArray(list) && typeof list[0] === "string" ? list[0] : undefined;
}

function SkuMap({ tenantId, mappings, prefill }: { tenantId: string; mappings: RouterOutputs["products"]["rules"]["mappings"]; prefill: { sku: string; nonce: number } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ shopifySku: "", vintraceCode: "", multiplier: "1" });
  const [seen, setSeen] = useState<number | null>(null);
  if (prefill && prefill.nonce !== seen) {
    setSeen(prefill.nonce);
    setForm({ shopifySku: prefill.sku, vintraceCode: "", multiplier: "1" });
  }
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.products.rules.queryKey({ tenantId }) });
  const save = useMutation(trpc.products.saveMapping.mutationOptions({ onSuccess: () => (invalidate(), setForm({ shopifySku: "", vintraceCode: "", multiplier: "1" })) }));
  const remove = useMutation(trpc.products.deleteMapping.mutationOptions({ onSuccess: invalidate }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ tenantId, shopifySku: form.shopifySku, vintraceCode: form.vintraceCode, multiplier: Number(form.multiplier) });
  };
  const errors = save.error?.data?.fieldErrors;
  return (
    <Card title="SKU map">
      <p className="mb-3 text-sm text-slate-600">Send a Shopify SKU as another vintrace code, e.g. a 6-pack as six of an x1 stock item. Saving retries the orders that failed on either code.</p>
      {mappings.length === 0 ? (
        <p className="mb-3 text-sm text-slate-500">No mappings: every SKU is sent as its own vintrace code.</p>
      ) : (
        <ul className="mb-3 divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="SKU mappings">
          {mappings.map((m) => (
            <li key={m.shopifySku} className="flex items-center justify-between gap-2 px-3 py-2 text-sm">
              <span className="font-mono text-xs">
                {m.shopifySku} → {m.vintraceCode} × {m.multiplier}
              </span>
              <Button variant="ghost" onClick={() => remove.mutate({ tenantId, shopifySku: m.shopifySku })} disabled={remove.isPending} aria-label={`Delete the mapping of ${m.shopifySku}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_6rem_auto] sm:items-end" aria-label="Add a SKU mapping">
        <Field id="map-sku" label="Shopify SKU" error={firstError(errors, "shopifySku")}>
          <TextInput id="map-sku" value={form.shopifySku} onChange={(e) => setForm({ ...form, shopifySku: e.target.value })} required />
        </Field>
        <Field id="map-code" label="vintrace code" error={firstError(errors, "vintraceCode")}>
          <TextInput id="map-code" value={form.vintraceCode} onChange={(e) => setForm({ ...form, vintraceCode: e.target.value })} required />
        </Field>
        <Field id="map-multiplier" label="Units" error={firstError(errors, "multiplier")}>
          <TextInput id="map-multiplier" inputMode="numeric" value={form.multiplier} onChange={(e) => setForm({ ...form, multiplier: e.target.value })} />
        </Field>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save mapping"}
        </Button>
      </form>
      {save.data && <Notice tone="success">Saved.{save.data.requeued ? ` ${save.data.requeued} failed ${save.data.requeued === 1 ? "order was" : "orders were"} queued again.` : ""}</Notice>}
      {(save.error && !errors) || remove.error ? <Notice tone="error">{(save.error ?? remove.error)?.message}</Notice> : null}
    </Card>
  );
}

function IgnoreRules({
  tenantId,
  ignore,
  prefill,
}: {
  tenantId: string;
  ignore: NonNullable<RouterOutputs["products"]["rules"]["ignore"]>;
  prefill: { sku: string; nonce: number } | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [noSku, setNoSku] = useState(ignore.ignoreNoSkuLines);
  const [giftCards, setGiftCards] = useState(ignore.ignoreGiftCards);
  const [skus, setSkus] = useState(ignore.ignoredSkus.join("\n"));
  const save = useMutation(trpc.products.saveIgnoreRules.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.products.rules.queryKey({ tenantId }) }) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = skus.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    save.mutate({ tenantId, ignoreNoSkuLines: noSku, ignoreGiftCards: giftCards, ignoredSkus: list });
  };
  return (
    <div id={IGNORE_RULES_ID} className="scroll-mt-4">
      <Card title="Ignore rules">
        <form onSubmit={submit} className="space-y-3" aria-label="Ignore rules">
          <p className="text-sm text-slate-600">
            Ignored lines are left out of the sales order and noted on the order&apos;s page. An order whose every product line is ignored is not sent
            at all, never as shipping alone.
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={noSku} onChange={(e) => setNoSku(e.target.checked)} className="accent-indigo-600" /> Lines without a SKU
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={giftCards} onChange={(e) => setGiftCards(e.target.checked)} className="accent-indigo-600" /> Gift cards
          </label>
          <Field id="ignored-skus" label="These SKUs" hint={prefill ? `To ignore ${prefill.sku}, add it here.` : "One per line (or separated by commas)."}>
            <TextArea id="ignored-skus" rows={4} value={skus} onChange={(e) => setSkus(e.target.value)} />
          </Field>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save ignore rules"}
          </Button>
          {save.data && <Notice tone="success">Saved.{save.data.requeued ? ` ${save.data.requeued} failed ${save.data.requeued === 1 ? "order was" : "orders were"} queued again.` : ""}</Notice>}
          {save.error && <Notice tone="error">{save.error.message}</Notice>}
        </form>
      </Card>
    </div>
  );
}
