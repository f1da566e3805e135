import Link from "next/link";
import { redirect } from "next/navigation";
import { Suspense, type ReactNode } from "react";
import { DashboardNav } from "@/components/nav";
import { SignOutButton } from "@/components/sign-out-button";
import { Providers } from "@/components/trpc";
import { ViewerProvider, TenantPicker } from "@/components/tenant";
import { viewerForPage } from "@/server/auth/pages";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await viewerForPage();
  if (!user) redirect("/login");
  return (
    <Providers>
      <ViewerProvider viewer={{ id: user.id, email: user.email, role: user.role }}>
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
          Skip to content
        </a>
        <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
            <div className="flex min-w-0 items-center gap-4">
              <Link href="/" className="font-semibold tracking-tight text-slate-900">
                vintrace<span className="text-indigo-600">-sync</span>
              </Link>
              <Suspense>
                <TenantPicker />
              </Suspense>
            </div>
            <div className="flex items-center gap-3 text-sm text-slate-600">
              <span data-testid="current-user" className="hidden sm:inline">{user.email}</span>
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs">{user.role === "SUPPORT" ? "Winehub support" : "Winery"}</span>
              <SignOutButton />
            </div>
          </div>
        </header>
        <div className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-6 lg:flex-row lg:gap-8">
          <Suspense>
            <DashboardNav />
          </Suspense>
          <main id="main" className="min-w-0 flex-1">
            {children}
          </main>
        </div>
      </ViewerProvider>
    </Providers>
  );
}
