import "server-only";
import { z } from "zod";
import { tenantSettingsSchema } from "@/lib/tenant-settings";
import { getEnv } from "@/server/env";
import { InputError, parseOrThrow } from "@/server/lib/errors";
import { applySettings, saveSyncStart, settingsView } from "@/server/settings/service";
import { goLive } from "@/server/tenants/go-live";
import { pauseTenant, resumeTenant, type PauseResult } from "@/server/tenants/pause";
import { createTenant, createUser, type VintraceSettingsInput } from "@/server/tenants/service";
import { defineCommand, type CliCommand } from "@/server/cli/types";
import { SETTINGS_FLAGS, settingsFlag, settingsFromFlags, shopFlag, startDateFlag, switchFlag, valueFlag, tenantByShop, type SettingsFlagName } from "@/server/cli/flags";
import { readPassword } from "@/server/cli/password";

const text = z.string();
const CONNECTION_FLAGS = ["vintrace-url", "vintrace-key", "customer", "price-list"] as const;

const tenantAdd = defineCommand({
  name: "tenant:add",
  summary: "Add a winery: its Shopify shop and, optionally, its vintrace connection (all of --vintrace-url, --vintrace-key, --customer, --price-list).",
  flags: {
    name: valueFlag("N", "the winery's name", text),
    shop: shopFlag,
    "shopify-token": valueFlag("T", "a custom app's Admin API token (stored encrypted)", text.optional()),
    "webhook-secret": valueFlag("S", "that app's webhook signing secret (stored encrypted)", text.optional()),
    "vintrace-url": settingsFlag("vintrace-url"),
    "vintrace-key": settingsFlag("vintrace-key"),
    customer: settingsFlag("customer"),
    "price-list": settingsFlag("price-list"),
    "storage-area": settingsFlag("storage-area"),
  },
  check(o) {
    const given = CONNECTION_FLAGS.filter((flag) => o[flag] !== undefined).length;
    return given === 0 || given === CONNECTION_FLAGS.length ? [] : ["vintrace settings need all of --vintrace-url, --vintrace-key, --customer and --price-list"];
  },
  async run(o, ctx) {
    // check() has made sure the connection is given whole, or not at all
    const vintrace = o["vintrace-url"] === undefined ? undefined : (settingsFromFlags(o) as VintraceSettingsInput);
    const tenant = await createTenant(
      ctx.db,
      {
        name: o.name,
        shopDomain: o.shop,
        shopifyToken: o["shopify-token"],
        webhookSecret: o["webhook-secret"],
        vintrace,
      },
      getEnv().outboundAllowlist,
      ctx.actor,
    );
    return { text: `Added ${tenant.name} (${tenant.shopDomain}), id ${tenant.id}`, json: { id: tenant.id, name: tenant.name, shop: tenant.shopDomain } };
  },
});

const SETTINGS_FLAG_NAMES = Object.keys(SETTINGS_FLAGS) as SettingsFlagName[];

const tenantSet = defineCommand({
  name: "tenant:set",
  summary:
    "Change a winery's settings with the Settings page's checks (audited, and failed orders a change may fix are queued again), its start date, pause or resume its syncing, or start sending the orders of a winery being set up.",
  flags: {
    shop: shopFlag,
    "start-date": startDateFlag,
    ...(Object.fromEntries(SETTINGS_FLAG_NAMES.map((name) => [name, settingsFlag(name)])) as Record<SettingsFlagName, ReturnType<typeof settingsFlag>>),
    pause: switchFlag("pause syncing: new orders are stored and held, nothing is sent to vintrace"),
    resume: switchFlag("resume syncing: held orders are queued again"),
    "go-live": switchFlag("finish setup: test the saved vintrace settings, then send the held orders and every new one"),
  },
  check(o) {
    if ([o.pause, o.resume, o["go-live"]].filter(Boolean).length > 1) return ["--pause, --resume and --go-live cannot be used together"];
    const given = o["start-date"] !== undefined || o.pause || o.resume || o["go-live"] || SETTINGS_FLAG_NAMES.some((name) => o[name] !== undefined);
    return given ? [] : ["nothing to change: give a setting, --start-date, --pause, --resume or --go-live"];
  },
  async run(o, ctx) {
    const tenant = await tenantByShop(ctx.db, o.shop);
    const actor = { email: ctx.actor };
    if (tenant.status === "UNINSTALLED" && (o.pause || o.resume || o["go-live"])) {
      throw new InputError({ [o.pause ? "pause" : o.resume ? "resume" : "go-live"]: "the winery's shop has uninstalled the app" });
    }
    // Every check before any change: the settings as they would be, through the Settings page's schema.
    const given = settingsFromFlags(o);
    const settings = Object.keys(given).length ? await mergedSettings(ctx.db, tenant.id, given) : null;

    const lines = [`${tenant.name} (${tenant.shopDomain}):`];
    let changed: string[] = [];
    let requeued = 0;
    if (settings) {
      const saved = await applySettings(ctx.db, tenant.id, settings, { ...actor, mayChangeConnection: true }, getEnv().outboundAllowlist);
      if (!saved.ok) throw new InputError("fieldErrors" in saved ? saved.fieldErrors : { input: "the connection may not be changed" });
      ({ changed, requeued } = saved);
      lines.push(changed.length ? `  settings changed: ${changed.join(", ")}${requeued ? `; ${requeued} failed order(s) queued again` : ""}` : "  settings unchanged");
    }
    const start = o["start-date"];
    if (start) {
      const change = await saveSyncStart(ctx.db, tenant.id, start, actor);
      if (change) changed.push(change.field);
      lines.push(`  syncs orders created after ${start.toISOString().slice(0, 10)}${change ? "" : " (unchanged)"}`);
    }
    let pause: PauseResult | null = null;
    if (o.pause) {
      pause = await pauseTenant(ctx.db, tenant.id, actor, "paused from the CLI");
      lines.push(pause.changed ? `  paused: ${pause.orders} waiting order(s) held` : "  already paused");
    }
    if (o.resume) {
      pause = await resumeTenant(ctx.db, tenant.id, actor);
      lines.push(`  ${pause.changed ? "resumed" : "was not paused"}: ${pause.orders} held order(s) queued`);
    }
    if (o["go-live"]) {
      // After the settings above, so one command can connect vintrace and go live.
      pause = await goLive(ctx.db, tenant.id, actor, { allowlist: getEnv().outboundAllowlist });
      lines.push(pause.changed ? `  live: ${pause.orders} held order(s) queued` : "  already live");
    }
    const status = pause?.status ?? tenant.status;
    return { text: lines.join("\n"), json: { tenant: tenant.name, shop: tenant.shopDomain, changed, requeued, status, ordersMoved: pause?.orders ?? 0 } };
  },
});

/** The stored settings with the given ones over them, parsed by the settings schema (errors name the fields). */
async function mergedSettings(db: Parameters<typeof settingsView>[0], tenantId: string, given: ReturnType<typeof settingsFromFlags>) {
  const view = await settingsView(db, tenantId);
  if (!view) throw new Error("The winery disappeared while it was being changed.");
  const { apiKey: _masked, tenantId: _id, tenantName: _name, tenantStatus: _status, configured: _configured, lastVerifiedAt: _at, lastVerification: _v, updatedAt: _u, ...stored } = view;
  return parseOrThrow(tenantSettingsSchema, { ...stored, ...given });
}

const tenantList = defineCommand({
  name: "tenant:list",
  summary: "List the wineries and how they are connected.",
  flags: {},
  async run(_o, ctx) {
    const tenants = await ctx.db.tenant.findMany({ orderBy: { name: "asc" }, include: { shopify: true, vintrace: true } });
    const rows = tenants.map((t) => ({
      id: t.id,
      name: t.name,
      shop: t.shopDomain,
      status: t.status,
      shopifyConnected: Boolean(t.shopify?.accessTokenEnc),
      vintraceConfigured: Boolean(t.vintrace),
    }));
    const text = rows.length
      ? rows.map((r) => `${r.name.padEnd(24)} ${r.shop.padEnd(36)} ${r.status.padEnd(11)} shopify:${r.shopifyConnected ? "yes" : "no "} vintrace:${r.vintraceConfigured ? "yes" : "no"}`).join("\n")
      : "No wineries yet. Add one with tenant:add.";
    return { text, json: rows };
  },
});

const userAdd = defineCommand({
  name: "user:add",
  summary: "Add a support user, or a winery user (owner) of the winery with shop S. Without --password, the password is read from standard input or asked for.",
  flags: {
    email: valueFlag("E", "the user's email address", text),
    password: valueFlag("P", "the password (better: leave it out and pipe it in, or type it when asked)", text.optional()),
    role: valueFlag("support|merchant", "Winehub support, or a winery's user", z.enum(["support", "merchant"], { error: "must be support or merchant" })),
    shop: valueFlag("S", "the winery a merchant belongs to (required for a merchant)", text.optional()),
  },
  async run(o, ctx) {
    const password = o.password ?? (await readPassword(ctx.io));
    const user = await createUser(ctx.db, { email: o.email, password, role: o.role === "support" ? "SUPPORT" : "MERCHANT", shopDomain: o.shop }, ctx.actor);
    return { text: `Added ${user.email} (${o.role})`, json: { id: user.id, email: user.email, role: user.role } };
  },
});

export const commands: CliCommand[] = [tenantAdd, tenantSet, tenantList, userAdd];
