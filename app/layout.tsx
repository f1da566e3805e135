import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "vintrace-sync",
  description: "Shopify orders into vintrace sales orders, for Winehub's wineries",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so that its scripts carry that request's Content-Security-Policy nonce
  // (proxy.ts); a page prerendered at build time would have scripts without one, which the browser refuses.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
