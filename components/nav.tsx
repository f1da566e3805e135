"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { OpenChangesCount } from "@/components/open-changes-count";
import { useTenant, useTenantHref } from "@/components/tenant";
import { cx } from "@/components/ui";

const ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/orders", label: "Orders" },
  { href: "/changes", label: "Changed after sending" },
  { href: "/retry", label: "Retry" },
  { href: "/products", label: "Products" },
  { href: "/settings", label: "Settings" },
  { href: "/users", label: "Users" },
  { href: "/audit", label: "Audit log" },
  { href: "/alerts", label: "Alerts" },
  { href: "/wineries", label: "Wineries", supportOnly: true },
  { href: "/account", label: "Account" },
];

/** While the winery is being set up, its setup wizard comes first. */
const SETUP_ITEM: (typeof ITEMS)[number] = { href: "/setup", label: "Set up" };

/**
 * A column on laptops, a scrolling row on tablets; the current page is marked for screen readers too. While the
 * winery is in setup, the links name it: the home without a winery opens the wizard, and Overview must still open.
 */
export function DashboardNav() {
  const { viewer, tenant } = useTenant();
  const pathname = usePathname();
  const href = useTenantHref();
  const setupOf = tenant?.status === "SETUP" ? tenant.id : undefined;
  const items = setupOf ? [SETUP_ITEM, ...ITEMS] : ITEMS;
  return (
    <nav aria-label="Dashboard" className="lg:w-48 lg:shrink-0">
      <ul className="flex gap-1 overflow-x-auto pb-2 lg:flex-col lg:overflow-visible lg:pb-0">
        {items.filter((item) => !item.supportOnly || viewer.role === "SUPPORT").map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href === "/wineries" || item.href === "/account" ? item.href : href(item.href, {}, setupOf)}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "block rounded-md px-3 py-1.5 text-sm whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400",
                  active ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
                )}
              >
                {item.label}
                {item.href === "/changes" && <OpenChangesCount />}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
