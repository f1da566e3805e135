import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { fieldErrors } from "@/server/api/field-errors";
import { connectionTestSchema, syncStartSchema, tenantSettingsSchema } from "@/lib/tenant-settings";
import { applySettings, saveSyncStart, settingsView, testConnection, type ConnectionField } from "@/server/settings/service";
import { switchTaxPolicyToVintrace } from "@/server/settings/tax-policy";
import { pauseTenant, resumeTenant } from "@/server/tenants/pause";

const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

const CONNECTION_OWNERS_ONLY = "Only an owner of this winery or Winehub support can change the vintrace connection (address, API key, authentication, customer).";

/** The one refusal for a change to the connection by someone who may not make it (staff). */
const connectionLocked = (fields: ConnectionField[]) => new TRPCError({ code: "FORBIDDEN", message: `${CONNECTION_OWNERS_ONLY} Not changed: ${fields.join(", ")}.` });

export const settingsRouter = createTRPCRouter({
  /** The winery's settings, with the API key masked: the key never leaves the server. */
  get: tenantProcedure.query(async ({ ctx }) => {
    const view = await settingsView(ctx.db, ctx.tenantId);
    if (!view) throw new TRPCError({ code: "NOT_FOUND", message: "No such winery." });
    return { ...view, canChangeConnection: ctx.isOwner };
  }),

  /** Validates (each field's error is sent back beside it), saves, audits, and re-queues what a settings fix may fix. */
  save: tenantProcedure.input(tenantSettingsSchema).mutation(async ({ ctx, input }) => {
    const { tenantId: _tenantId, ...settings } = input;
    const saved = await applySettings(ctx.db, ctx.tenantId, settings, { ...actorOf(ctx.user), mayChangeConnection: ctx.isOwner }, getEnv().outboundAllowlist);
    if (!saved.ok) throw "connectionLocked" in saved ? connectionLocked(saved.connectionLocked) : fieldErrors(saved.fieldErrors, "The settings were not saved.");
    return { changed: saved.changed, requeued: saved.requeued };
  }),

  /** Checks the settings on the page (saved or not; staff: the saved connection) against vintrace: one verdict per setting. */
  testConnection: tenantProcedure.input(connectionTestSchema).mutation(async ({ ctx, input }) => {
    const { tenantId: _tenantId, ...draft } = input;
    const result = await testConnection(ctx.db, ctx.tenantId, draft, { allowlist: getEnv().outboundAllowlist, mayChangeConnection: ctx.isOwner });
    if (!result.ok) throw "connectionLocked" in result ? connectionLocked(result.connectionLocked) : fieldErrors(result.fieldErrors, "The connection cannot be tested yet.");
    return result;
  }),

  /** "Sync orders created after" (the same rule as `tenant:set --start-date`): earlier orders are never sent. Audited. */
  saveSyncStart: tenantProcedure.input(z.object({ startDate: syncStartSchema })).mutation(async ({ ctx, input }) => {
    const change = await saveSyncStart(ctx.db, ctx.tenantId, input.startDate, actorOf(ctx.user));
    return { changed: change !== null, syncOrdersCreatedAfter: input.startDate };
  }),

  /** The one-click fix when vintrace reports another tax policy than Settings: take vintrace's. Owners only; audited. */
  useVintraceTaxPolicy: tenantOwnerProcedure.mutation(({ ctx }) => switchTaxPolicyToVintrace(ctx.db, ctx.tenantId, actorOf(ctx.user))),

  pause: tenantProcedure.mutation(async ({ ctx }) => {
    try {
      return await pauseTenant(ctx.db, ctx.tenantId, actorOf(ctx.user));
    } catch (error) {
      throw new TRPCError({ code: "BAD_REQUEST", message: error instanceof Error ? error.message : String(error), cause: error });
    }
  }),

  resume: tenantProcedure.mutation(async ({ ctx }) => {
    try {
      return await resumeTenant(ctx.db, ctx.tenantId, actorOf(ctx.user));
    } catch (error) {
      throw new TRPCError({ code: "BAD_REQUEST", message: error instanceof Error ? error.message : String(error), cause: error });
    }
  }),
});
