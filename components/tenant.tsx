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

export function useTenant() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const params = useSearchParams();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  const requested = params.get("winery");
  const list = tenants.data ?? [];
  const known = requested !== null && list.some((w) => w.id === requested);
  const tenantId = known ? requested : viewer.role === "SUPPORT" ? null : (list[0]?.id ?? null);
  const tenant = list.find((w) => w.id === tenantId) ?? null;
  return { viewer, isSupport: viewer.role === "SUPPORT", tenants, tenantId, tenant, requestedUnknown: requested !== null && tenants.isSuccess && !known };
}

/** Links that keep the selected winery. */
export function useTenantHref() {
  const params = useSearchParams();
  const tenant = params.get("winery");
  return useCallback(
    (path: string, extra: Record<string, string | undefined> = {}, tenantId: string | null | undefined = tenant) => {
      const search = new URLSearchParams();
      if (tenantId) search.set("winery", tenantId);
      for (const [key, value] of Object.entries(extra)) if (value) search.set(key, value);
      const query = search.toString();
      return query ? `${path}?${query}` : path;
    },
    [tenant],
  );
}

export function TenantPicker() {
  const { isSupport, tenants, tenantId } = useTenant();
  const router = useRouter();
  const pathname = usePathname();
  if (!tenants.data) return null;
  if (!isSupport && tenants.data.length <= 1) {
    return <span className="truncate text-sm font-medium text-slate-700" data-testid="winery-name">{tenants.data[0]?.name ?? "No winery"}</span>;
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
        {tenants.data.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A `?winery=` that does not exist or is not the viewer's; said the same way by every page. */
export function NoSuchTenant() {
  return <ErrorState title="No such winery" error={{ message: "This winery does not exist, or you do not have access to it." }} />;
}

/** For pages about one winery: renders `children` with its id, or asks support staff to choose one. */
export function TenantGate({ children, what }: { children: (tenantId: string) => ReactNode; what: string }) {
  const { tenants, tenantId, requestedUnknown } = useTenant();
  const href = useTenantHref();
  const pathname = usePathname();
  if (tenants.isPending) return <Loading label="Loading wineries…" />;
  if (tenants.isError) return <ErrorState title="Could not load your wineries" error={tenants.error} onRetry={() => void tenants.refetch()} />;
  if (requestedUnknown) return <NoSuchTenant />;
  if (tenantId) return <>{children(tenantId)}</>;
  if (tenants.data.length === 0) return <EmptyState title="No wineries yet">Ask Winehub support to add yours.</EmptyState>;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6">
      <p className="font-medium">Choose a winery to see its {what}.</p>
      <ul className="mt-3 grid gap-2 sm:grid-cols-2">
        {tenants.data.map((w) => (
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
