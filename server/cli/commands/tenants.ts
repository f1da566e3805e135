import "server-only";
import { z } from "zod";
import { getEnv } from "@/server/env";
import { createTenant, createUser } from "@/server/tenants/service";
import { defineCommand, type CliCommand } from "@/server/cli/types";

const tenantAdd = defineCommand({
  name: "tenant:add",
  usage:
    "tenant:add --name N --shop S [--shopify-token T] [--webhook-secret S] [--vintrace-url U --vintrace-key K --customer C --price-list P [--storage-area ID]]",
  summary: "Add a winery (its Shopify shop and, optionally, its vintrace settings).",
  options: z
    .object({
      name: z.string(),
      shop: z.string(),
      "shopify-token": z.string().optional(),
      "webhook-secret": z.string().optional(),
      "vintrace-url": z.string().optional(),
      "vintrace-key": z.string().optional(),
      customer: z.string().optional(),
      "price-list": z.string().optional(),
      "storage-area": z.string().optional(),
    })
    .strict()
    .refine(
      (o) => {
        const given = [o["vintrace-url"], o["vintrace-key"], o.customer, o["price-list"]].filter(Boolean).length;
        return given === 0 || given === 4;
      },
      { message: "vintrace settings need all of --vintrace-url, --vintrace-key, --customer and --price-list" },
    ),
  async run(o, ctx) {
    const tenant = await createTenant(
      ctx.db,
      {
        name: o.name,
        shopDomain: o.shop,
        shopifyToken: o["shopify-token"],
        webhookSecret: o["webhook-secret"],
        vintrace: o["vintrace-url"]
          ? {
              baseUrl: o["vintrace-url"],
              apiKey: o["vintrace-key"] ?? "",
              customerName: o.customer ?? "",
              salesPriceList: o["price-list"] ?? "",
              storageAreaId: o["storage-area"] === undefined ? null : Number(o["storage-area"]),
            }
          : undefined,
      },
      getEnv().outboundAllowlist,
      ctx.actor,
    );
    return { text: `Added ${tenant.name} (${tenant.shopDomain}), id ${tenant.id}`, json: { id: tenant.id, name: tenant.name, shop: tenant.shopDomain } };
  },
});

const tenantList = defineCommand({
  name: "tenant:list",
  usage: "tenant:list",
  summary: "List the wineries and how they are connected.",
  options: z.object({}).strict(),
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
  usage: "user:add --email E --password P --role support|merchant [--shop S]",
  summary: "Add a support user, or a winery user (owner) of the winery with shop S.",
  options: z
    .object({ email: z.string(), password: z.string(), role: z.enum(["support", "merchant"]), shop: z.string().optional() })
    .strict(),
  async run(o, ctx) {
    const user = await createUser(
      ctx.db,
      { email: o.email, password: o.password, role: o.role === "support" ? "SUPPORT" : "MERCHANT", shopDomain: o.shop },
      ctx.actor,
    );
    return { text: `Added ${user.email} (${o.role})`, json: { id: user.id, email: user.email, role: user.role } };
  },
});

export const commands: CliCommand[] = [tenantAdd, tenantList, userAdd];
