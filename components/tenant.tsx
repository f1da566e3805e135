"use client";

// Which winery the dashboard is looking at. It lives in the address (?winery=<id>), so every view can be linked to
// and reloaded. Support staff pick any winery, or none ("All wineries") where a page supports it; a winery's users
// only ever get their own wineries from the server, and land on the first of them.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { useTRPC } from "@/components/trpc";
import { EmptyState, ErrorState, Loading } from "@/components/ui";

export interface Viewer {
  id: string;
  email: string;
  role: "SUPPORT" | "MERCHANT";
}

const ViewerContext = createContext<Viewer | null>(null);

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside the dashboard layout");
  return viewer;
}

export function useWinery() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const params = useSearchParams();
  const wineries = useQuery(trpc.tenants.list.queryOptions());
  const requested = params.get("winery");
  const list = wineries.data ?? [];
  const known = requested !== null && list.some((w) => w.id === requested);
  const tenantId = known ? requested : viewer.role === "SUPPORT" ? null : (list[0]?.id ?? null);
  const winery = list.find((w) => w.id === tenantId) ?? null;
  return { viewer, isSupport: viewer.role === "SUPPORT", wineries, tenantId, winery, requestedUnknown: requested !== null && wineries.isSuccess && !known };
}

/** Links that keep the selected winery. */
export function useWineryHref() {
  const params = useSearchParams();
  const winery = params.get("winery");
  return useCallback(
    (path: string, extra: Record<string, string | undefined> = {}, tenantId: string | null | undefined = winery) => {
      const search = new URLSearchParams();
      if (tenantId) search.set("winery", tenantId);
      for (const [key, value] of Object.entries(extra)) if (value) search.set(key, value);
      const query = search.toString();
      return query ? `${path}?${query}` : path;
    },
    [winery],
  );
}

export function WineryPicker() {
  const { isSupport, wineries, tenantId } = useWinery();
  const router = useRouter();
  const pathname = usePathname();
  if (!wineries.data) return null;
  if (!isSupport && wineries.data.length <= 1) {
    return <span className="truncate text-sm font-medium text-slate-700" data-testid="winery-name">{wineries.data[0]?.name ?? "No winery"}</span>;
  }
  // The order page belongs to one winery: switching winery goes to that winery's sync log.
  const target = pathname.startsWith("/orders/") ? "/orders" : pathname;
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="winery-picker" className="text-sm text-slate-500">
        Winery
      </label>
      <select
        id="winery-picker"
        value={tenantId ?? ""}
        onChange={(e) => router.push(e.target.value ? `${target}?winery=${encodeURIComponent(e.target.value)}` : target)}
        className="max-w-[14rem] rounded-md border border-slate-300 bg-white py-1 pr-8 pl-2 text-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
      >
        {isSupport && <option value="">All wineries</option>}
        {wineries.data.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A `?winery=` that does not exist or is not the viewer's; said the same way by every page. */
export function NoSuchWinery() {
  return <ErrorState title="No such winery" error={{ message: "This winery does not exist, or you do not have access to it." }} />;
}

/** For pages about one winery: renders `children` with its id, or asks support staff to choose one. */
export function WineryGate({ children, what }: { children: (tenantId: string) => ReactNode; what: string }) {
  const { wineries, tenantId, requestedUnknown } = useWinery();
  const href = useWineryHref();
  const pathname = usePathname();
  if (wineries.isPending) return <Loading label="Loading wineries…" />;
  if (wineries.isError) return <ErrorState title="Could not load your wineries" error={wineries.error} onRetry={() => void wineries.refetch()} />;
  if (requestedUnknown) return <NoSuchWinery />;
  if (tenantId) return <>{children(tenantId)}</>;
  if (wineries.data.length === 0) return <EmptyState title="No wineries yet">Ask Winehub support to add yours.</EmptyState>;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6">
      <p className="font-medium">Choose a winery to see its {what}.</p>
      <ul className="mt-3 grid gap-2 sm:grid-cols-2">
        {wineries.data.map((w) => (
          <li key={w.id}>
            <Link href={href(pathname, {}, w.id)} className="block rounded-md border border-slate-200 px-3 py-2 text-sm hover:border-indigo-300 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400">
              <span className="font-medium">{w.name}</span>
              <span className="block text-xs text-slate-500">{w.shopDomain}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
