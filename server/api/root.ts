import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { tenantsRouter } from "@/server/api/routers/tenants";

export const appRouter = createTRPCRouter({
  tenants: tenantsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
