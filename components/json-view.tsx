"use client";

// A request or response body, folded by default: the order page shows what was sent and received without a wall of
// JSON. Already redacted by the sync engine before it was stored.
export function JsonView({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return (
    <details className="group mt-2 rounded-md border border-slate-200 bg-slate-50">
      <summary className="cursor-pointer list-none px-3 py-1.5 text-xs font-medium text-slate-600 select-none hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400">
        <span className="mr-1 inline-block transition-transform group-open:rotate-90" aria-hidden>
          ▸
        </span>
        {label}
      </summary>
      <pre className="max-h-96 overflow-auto border-t border-slate-200 px-3 py-2 text-xs leading-relaxed break-words whitespace-pre-wrap text-slate-800">{text}</pre>
    </details>
  );
}
