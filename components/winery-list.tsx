"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";

const STATUS_STYLE: Record<string, string> = {
  ACTIVE: "bg-emerald-50 text-emerald-700",
  PAUSED: "bg-amber-50 text-amber-700",
  UNINSTALLED: "bg-slate-100 text-slate-600",
};

export function WineryList() {
  const trpc = useTRPC();
  const wineries = useQuery(trpc.tenants.list.queryOptions());
  if (wineries.isPending) return <p className="text-slate-500">Loading wineries…</p>;
  if (wineries.isError) return <p role="alert" className="text-red-700">Could not load wineries: {wineries.error.message}</p>;
  if (wineries.data.length === 0) return <p className="text-slate-500">No wineries yet.</p>;
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Wineries">
      {wineries.data.map((w) => (
        <li key={w.id} className="flex items-center justify-between px-4 py-3" data-testid="winery">
          <div>
            <p className="font-medium">{w.name}</p>
            <p className="text-sm text-slate-500">{w.shopDomain}</p>
          </div>
          <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[w.status]}`}>{w.status.toLowerCase()}</span>
        </li>
      ))}
    </ul>
  );
}
