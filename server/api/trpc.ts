import "server-only";
import { randomBytes } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { canAccessTenant, isOwner, visibleTenantIds } from "@/server/auth/access";
import type { CurrentUser } from "@/server/auth/current-user";
import { fieldErrors } from "@/server/api/field-errors";
import type { Db } from "@/server/db";
import { InputError } from "@/server/lib/errors";
import { Refused } from "@/server/lib/refused";
import { logError } from "@/server/observability/log";

// The security boundary is a named builder, never a check sprinkled inside handlers. Each builder stamps its
// `access` on the procedure's meta, so a test can enumerate the router and check every procedure by its builder.

export interface Context {
  db: Db;
  user: CurrentUser | null;
}

export type Access = "public" | "signedIn" | "support" | "scoped" | "tenant" | "owner";
export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, path }) {
      return {
        ...shape,
        message: isMeantForTheUser(error) ? shape.message : reportUnexpected(error.cause ?? error, path ?? "the request"),
        data: {
          ...shape.data,
          stack: undefined,
          fieldErrors: error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : undefined,
        },
      };
    },
  });

/**
 * Whether the browser may read the error's own message: a TRPCError the code threw on purpose (a domain InputError
 * is one by now). Anything else (a bug, a database failure) may carry SQL, table or constraint names, and so may a
 * database error that a handler wrapped as it is.
 */
function isMeantForTheUser(error: TRPCError): boolean {
  if (isDatabaseError(error.cause)) return false;
  return error.code !== "INTERNAL_SERVER_ERROR";
}

// By name rather than instanceof: the generated client's error classes may be loaded more than once in a bundle.
const isDatabaseError = (cause: unknown) => cause instanceof Error && cause.name.startsWith("PrismaClient");

/** Logs the error in full (message and stack) under a short reference, and gives the message the browser sees. */
function reportUnexpected(error: unknown, where: string): string {
  const ref = randomBytes(4).toString("hex");
  logError(`trpc: ${where} failed (ref ${ref})`, error, { ref, where });
  return `Something went wrong (ref ${ref})`;
}

/**
 * The text the browser may see of an error a handler caught and answers with (one winery's part of a larger job):
 * a domain error's own message, by the same rule as a thrown one; anything else as a logged reference.
 */
export function messageForTheUser(error: unknown, where: string): string {
  if (error instanceof InputError || error instanceof Refused || (error instanceof TRPCError && isMeantForTheUser(error))) return error.message;
  return reportUnexpected(error, where);
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A service's InputError becomes the form's field errors here, and its Refused the matching error, once, for every procedure. */
const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof InputError) throw fieldErrors(result.error.cause.fieldErrors);
  if (!result.ok && result.error.cause instanceof Refused) throw new TRPCError({ code: result.error.cause.code, message: result.error.cause.message });
  return result;
});

export const publicProcedure = procedure.meta({ access: "public" });

export const signedInProcedure = procedure.meta({ access: "signedIn" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const supportProcedure = signedInProcedure.meta({ access: "support" }).use(({ ctx, next }) => {
  if (ctx.user.role !== "SUPPORT") throw new TRPCError({ code: "FORBIDDEN", message: "Only Winehub support staff can do this." });
  return next();
});

/**
 * A view over the wineries the caller may see, for the pages that show one winery or all of them: with `tenantId`,
 * that winery (checked like a tenant procedure); without it, every winery for support staff and the caller's own
 * wineries for anyone else. The handler reads the resolved scope as `ctx.tenantIds` (null: every winery).
 */
export const scopedProcedure = signedInProcedure
  .meta({ access: "scoped" })
  .input(z.object({ tenantId: z.string().min(1).max(64).nullish() }))
  .use(({ ctx, input, next }) => {
    if (input.tenantId && !canAccessTenant(ctx.user, input.tenantId)) throw new TRPCError({ code: "FORBIDDEN", message: "You do not have access to this winery." });
    return next({ ctx: { ...ctx, tenantIds: input.tenantId ? [input.tenantId] : visibleTenantIds(ctx.user) } });
  });

/** Every procedure that touches one winery's data: takes `tenantId` and checks membership (or the support role). */
export const tenantProcedure = signedInProcedure
  .meta({ access: "tenant" })
  .input(z.object({ tenantId: z.string().min(1).max(64) }))
  .use(({ ctx, input, next }) => {
    if (!canAccessTenant(ctx.user, input.tenantId)) throw new TRPCError({ code: "FORBIDDEN", message: "You do not have access to this winery." });
    return next({ ctx: { ...ctx, tenantId: input.tenantId, isOwner: isOwner(ctx.user, input.tenantId) } });
  });

/** A winery's owner (or support staff): tenant-scoped like every winery procedure, then owner-only. */
export const tenantOwnerProcedure = tenantProcedure.meta({ access: "owner" }).use(({ ctx, next }) => {
  if (!ctx.isOwner) throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner of this winery or Winehub support can do this." });
  return next();
});
