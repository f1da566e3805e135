import "server-only";
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { accountRouter } from "@/server/api/routers/account";
import { alertsRouter } from "@/server/api/routers/alerts";
import { auditRouter } from "@/server/api/routers/audit";
import { changesRouter } from "@/server/api/routers/changes";
import { ordersRouter } from "@/server/api/routers/orders";
import { overviewRouter } from "@/server/api/routers/overview";
import { productsRouter } from "@/server/api/routers/products";
import { retryRouter } from "@/server/api/routers/retry";
import { settingsRouter } from "@/server/api/routers/settings";
import { setupRouter } from "@/server/api/routers/setup";
import { tenantsRouter } from "@/server/api/routers/tenants";
import { usersRouter } from "@/server/api/routers/users";
import { tenantAdminRouter } from "@/server/api/routers/tenant-admin";

export const appRouter = createTRPCRouter({
  tenants: tenantsRouter,
  overview: overviewRouter,
  orders: ordersRouter,
  changes: changesRouter,
  retry: retryRouter,
  products: productsRouter,
  settings: settingsRouter,
  setup: setupRouter,
  tenantAdmin: tenantAdminRouter,
  users: usersRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
