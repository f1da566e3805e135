import { Suspense } from "react";
import { LoginForm } from "@/app/login/login-form";

export const metadata = { title: "Sign in · vintrace-sync" };

export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to vintrace-sync</h1>
        <p className="mt-1 mb-6 text-sm text-slate-500">Shopify orders into vintrace, for Winehub wineries.</p>
        <Suspense>
          <LoginForm />
        </Suspense>
        <p className="mt-4 text-center text-sm"><a href="/forgot-password" className="text-indigo-700 hover:underline">Forgot password?</a></p>
      </div>
    </main>
  );
}
