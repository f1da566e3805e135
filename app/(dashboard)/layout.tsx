import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/sign-out-button";
import { Providers } from "@/components/trpc";
import { getCurrentUser } from "@/server/auth/currentUser";
import { getDb } from "@/server/db";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser(getDb());
  if (!user) redirect("/login");
  return (
    <Providers>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
          <Link href="/" className="font-semibold">vintrace-sync</Link>
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <span data-testid="current-user">{user.email}</span>
            <span className="rounded bg-slate-100 px-2 py-0.5 text-xs">{user.role === "SUPPORT" ? "Winehub support" : "Winery"}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </Providers>
  );
}
