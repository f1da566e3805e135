// The isolation sweep: no winery reaches another's data. Every procedure in the router is found by walking it, never
// listed by hand, and judged by the builder that made it (its `meta.access`):
//   tenant     as a merchant of winery A, called with winery B's id → FORBIDDEN or NOT_FOUND; called with A's id
//              but B's record ids (orders, users, invitations…) → FORBIDDEN or NOT_FOUND, or an answer holding
//              nothing of B's; a query called with A's id answers nothing of B's; a query by A's staff is answered;
//   owner      as tenant, and A's staff are refused (FORBIDDEN) with A's own ids;
//   scoped     as tenant when a winery is named; with none, a merchant of A gets A's rows and nothing of B's, and
//              support gets every winery's;
//   support    → FORBIDDEN for the merchant;
//   signedIn / public → answers nothing of B's;
//   anything else (no builder we know) fails the sweep.
// Inputs are generated from each procedure's own zod schemas. And no answer, to anyone, carries a secret: neither a
// vintrace API key nor a Shopify token, in plaintext or as ciphertext.
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { appRouter, createCaller } from "@/server/api/root";
import type { Access } from "@/server/api/trpc";
import type { CurrentUser } from "@/server/auth/current-user";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { newTenantId } from "@/server/tenants/service";
import { startSimulatedShopify, type SimulatedShopify } from "@/simulators/shopify/testing";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { setTestEnv } from "@/test/env";

const db = createPrisma();
const KNOWN_ACCESS: Access[] = ["public", "signedIn", "support", "scoped", "tenant", "owner"];
/** The builders that check the winery a procedure is called with. */
const TENANT_SCOPED: unknown[] = ["scoped", "tenant", "owner"];
const stamp = Date.now().toString(36);

interface Tenant {
  tenantId: string;
  name: string;
  shop: string;
  ownerId: string;
  ownerEmail: string;
  orderSyncId: string;
  orderGid: string;
  orderName: string;
  invitationId: string;
  productCheckId: string;
  alertWebhookId: string;
  alertWebhookUrl: string;
  changeId: string;
  vintraceKey: string;
  shopifyToken: string;
  webhookSecret: string;
}

let vintrace: VintraceSimulator;
let shopify: SimulatedShopify;
let a: Tenant;
let b: Tenant;
let merchantA: CurrentUser;
let staffA: CurrentUser;
let support: CurrentUser;
/** Before anything was seeded: the sweep's own rows are the ones created since. */
const startedAt = new Date(Date.now() - 1000);

async function seedTenant(label: "a" | "b", vintraceUrl: string, withShopify: boolean): Promise<Tenant> {
  const name = `Isolation ${label.toUpperCase()} ${stamp}`;
  const shop = `iso-${label}-${stamp}.myshopify.com`;
  const vintraceKey = `vintrace-key-${label}-${stamp}`;
  // B's shop is on the Shopify simulator, so the procedures that read a shop (the setup wizard's) answer for it.
  const shopifyToken = withShopify ? shopify.sim.issueToken(shop) : `shpat_${label}_${stamp}_token`;
  const webhookSecret = `whsec_${label}_${stamp}`;
  const tenantId = newTenantId();
  const tenant = await db.tenant.create({
    data: {
      id: tenantId,
      name,
      shopDomain: shop,
      vintrace: {
        create: { baseUrl: vintraceUrl, apiKeyEnc: encryptSecret(vintraceKey, { tenantId, column: "VintraceSettings.apiKeyEnc" }), customerName: "Shopify Web Customer", salesPriceList: "Retail Inclusive", storageAreaId: 99 },
      },
      // A's shop stays unconnected, so nothing in the sweep reaches out to Shopify on A's behalf.
      shopify: withShopify ? { create: { method: "MANUAL", accessTokenEnc: encryptSecret(shopifyToken, { tenantId, column: "ShopifyConnection.accessTokenEnc" }), webhookSecretEnc: encryptSecret(webhookSecret, { tenantId, column: "ShopifyConnection.webhookSecretEnc" }) } } : undefined,
    },
  });
  const owner = await db.user.create({
    data: { email: `owner-${label}-${stamp}@iso.test`, role: "MERCHANT", memberships: { create: { tenantId: tenant.id, role: "OWNER" } } },
  });
  await db.user.create({ data: { email: `staff-${label}-${stamp}@iso.test`, role: "MERCHANT", memberships: { create: { tenantId: tenant.id, role: "STAFF" } } } });
  const orderGid = `gid://shopify/Order/${label === "a" ? 71 : 72}${Date.now()}`;
  const orderName = `#${label === "a" ? 7100 : 7200}`;
  const order = await db.orderSync.create({
    data: {
      tenantId: tenant.id,
      orderGid,
      orderName,
      source: "WEBHOOK",
      status: "FAILED",
      lastErrorClass: "VALIDATION",
      lastErrorMessage: `vintrace has no stock item with code 'SKU-${label}-${stamp}'`,
      lastErrorFix: "products",
      missingSkus: [`SKU-${label}-${stamp}`],
      payload: { name: orderName, line_items: [] },
    },
  });
  await db.syncAttempt.create({
    data: { orderSyncId: order.id, tenantId: tenant.id, step: "CREATE", outcome: "failed", durationMs: 5, trigger: "webhook", message: `refused ${label}` },
  });
  const invitation = await db.invitation.create({
    data: { email: `invitee-${label}-${stamp}@iso.test`, tenantId: tenant.id, tokenHash: `hash-${label}-${stamp}`, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  await db.skuMapping.create({ data: { tenantId: tenant.id, shopifySku: `MAP-${label}-${stamp}`, vintraceCode: `CODE-${label}-${stamp}` } });
  const check = await db.productCheck.create({
    data: { tenantId: tenant.id, trigger: "nightly", status: "DONE", finishedAt: new Date(), summary: { total: 0 }, rows: [{ sku: `CHECK-${label}-${stamp}` }] },
  });
  await db.auditEvent.create({ data: { tenantId: tenant.id, actorEmail: owner.email, action: "settings.changed", details: { tenant: name } } });
  await db.alert.create({ data: { tenantId: tenant.id, kind: "TEST", subject: `Alert ${label} ${stamp}`, text: `for ${name}` } });
  const change = await db.orderChange.create({
    data: { tenantId: tenant.id, orderSyncId: order.id, kind: "CANCELLED", details: { kind: "CANCELLED", cancelledAt: new Date().toISOString(), reason: `reason-${label}-${stamp}` } },
  });
  const alertWebhookUrl = `https://chat.example.com/hooks/${label}-${stamp}-secret-path`;
  const alertWebhook = await db.alertWebhook.create({
    data: { tenantId: tenant.id, label: `Chat ${label} ${stamp}`, urlEnc: encryptSecret(alertWebhookUrl, { tenantId, column: "AlertWebhook.urlEnc" }), urlHint: "https://chat.example.com" },
  });
  return {
    tenantId: tenant.id,
    name,
    shop,
    ownerId: owner.id,
    ownerEmail: owner.email,
    orderSyncId: order.id,
    orderGid,
    orderName,
    invitationId: invitation.id,
    productCheckId: check.id,
    alertWebhookId: alertWebhook.id,
    alertWebhookUrl,
    changeId: change.id,
    vintraceKey,
    shopifyToken,
    webhookSecret,
  };
}

/** What in a response would be winery B's: its ids, names and records. */
function markersOf(w: Tenant): string[] {
  return [w.tenantId, w.name, w.shop, w.ownerEmail, w.orderSyncId, w.orderGid, w.invitationId, w.productCheckId, `SKU-b-${stamp}`, `MAP-b-${stamp}`, `CHECK-b-${stamp}`, `staff-b-${stamp}`, `invitee-b-${stamp}`, w.alertWebhookId, `Chat b ${stamp}`, `Alert b ${stamp}`, w.changeId, `reason-b-${stamp}`];
}

/** Every secret, in plaintext and as stored. */
async function secrets(): Promise<string[]> {
  const [settings, connections, webhooks] = await Promise.all([
    db.vintraceSettings.findMany({ select: { apiKeyEnc: true } }),
    db.shopifyConnection.findMany(),
    db.alertWebhook.findMany({ select: { urlEnc: true } }),
  ]);
  const stored = [
    ...settings.map((s) => s.apiKeyEnc),
    ...webhooks.map((w) => w.urlEnc),
    ...connections.flatMap((c) => [c.accessTokenEnc, c.refreshTokenEnc, c.webhookSecretEnc]).filter((s): s is string => s !== null),
  ];
  // A ciphertext's random parts, too: a response that sliced one up would still leak it.
  const parts = stored.flatMap((c) => c.split(".").slice(2).filter((p) => p.length >= 12));
  return [...[a, b].flatMap((w) => [w.vintraceKey, w.shopifyToken, w.webhookSecret, w.alertWebhookUrl]), ...stored, ...parts];
}

// ---- inputs from the procedures' own schemas -------------------------------------------------------------------

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

/** Record ids an input may take, and winery B's value for each. A new kind of id fails the sweep until added here. */
function idsOfB(): Record<string, unknown> {
  return {
    tenantId: b.tenantId,
    orderSyncId: b.orderSyncId,
    orderGids: [b.orderGid],
    userId: b.ownerId,
    invitationId: b.invitationId,
    productCheckId: b.productCheckId,
    webhookId: b.alertWebhookId,
    changeId: b.changeId,
  };
}
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/** The type under the optional/default wrappers ("string", "array of string"…). */
function leafType(schema: AnySchema): string {
  const def = schema._zod.def;
  if (WRAPPERS.has(def.type)) return leafType(def.innerType as AnySchema);
  if (def.type === "pipe") return leafType(def.in as AnySchema);
  if (def.type === "array") return `array of ${leafType(def.element as AnySchema)}`;
  return def.type;
}

/** A record id: a string (or list of strings) named like one. storageAreaId, a vintrace number, is not ours. */
const isIdKey = (key: string, schema: AnySchema) => /(Id|Ids|Gid|Gids)$/.test(key) && ["string", "array of string"].includes(leafType(schema));

function sample(schema: AnySchema, key: string | null, ids: Record<string, unknown>, unknownIds: Set<string>): unknown {
  if (key !== null && isIdKey(key, schema)) {
    if (key in ids) return ids[key];
    unknownIds.add(key);
  }
  const def = schema._zod.def;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, AnySchema>;
      return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, sample(s, k, ids, unknownIds)]));
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return sample(def.innerType as AnySchema, key, ids, unknownIds);
    case "pipe":
      return sample(def.in as AnySchema, key, ids, unknownIds);
    case "union":
      return sample((def.options as AnySchema[])[0], key, ids, unknownIds);
    case "array":
      return [sample(def.element as AnySchema, null, ids, unknownIds)];
    case "enum":
      return Object.values(def.entries as Record<string, string>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "string":
      return def.format === "email" ? `probe-${stamp}@iso.test` : "PRB";
    case "number":
      return 1;
    case "boolean":
      return false;
    case "date":
      return new Date();
    case "record":
      return {};
    default:
      return undefined;
  }
}

interface ProcedureInfo {
  path: string;
  access: unknown;
  type: string;
  inputs: AnySchema[];
}

function procedures(): ProcedureInfo[] {
  // At run time `_def.procedures` is flat, keyed by dotted path ("settings.get"), whatever the nesting.
  const flat = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: unknown }; type: string; inputs: unknown[] } }>;
  return Object.entries(flat).map(([path, proc]) => ({ path, access: proc._def.meta?.access, type: proc._def.type, inputs: proc._def.inputs as AnySchema[] }));
}

function inputFor(proc: ProcedureInfo, ids: Record<string, unknown>): { input: unknown; unknownIds: string[]; idKeys: string[] } {
  const unknownIds = new Set<string>();
  const merged: Record<string, unknown> = {};
  const idKeys = new Set<string>();
  for (const schema of proc.inputs) {
    Object.assign(merged, sample(schema, null, ids, unknownIds));
    if (schema._zod.def.type !== "object") continue;
    for (const [key, field] of Object.entries(schema._zod.def.shape as Record<string, AnySchema>)) if (key !== "tenantId" && isIdKey(key, field)) idKeys.add(key);
  }
  return { input: proc.inputs.length ? merged : undefined, unknownIds: [...unknownIds], idKeys: [...idKeys] };
}

type Outcome = { ok: true; data: unknown } | { ok: false; code: string; message: string };

async function call(user: CurrentUser, path: string, input: unknown): Promise<Outcome> {
  let target: unknown = createCaller({ db, user });
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  try {
    return { ok: true, data: await (target as (input: unknown) => Promise<unknown>)(input) };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "THROWN", message: error instanceof Error ? error.message : String(error) };
  }
}

const serialise = (data: unknown) => JSON.stringify(superjson.serialize(data).json);

function leaked(data: unknown, markers: string[]): string[] {
  const text = serialise(data);
  return markers.filter((m) => text.includes(m));
}

// ---- the sweep -------------------------------------------------------------------------------------------------

beforeAll(async () => {
  vintrace = await startVintraceSimulator({ seedDemo: true });
  shopify = await startSimulatedShopify({ shops: [] });
  setTestEnv({ OUTBOUND_ALLOWLIST: vintrace.url, SHOPIFY_ADMIN_ORIGIN: shopify.sim.url, ALLOW_SIMULATORS: "1" });
  a = await seedTenant("a", vintrace.customerUrl("hilltop"), false);
  b = await seedTenant("b", vintrace.customerUrl("riverbend"), true);
  merchantA = { id: a.ownerId, email: a.ownerEmail, name: null, role: "MERCHANT", tenantIds: [a.tenantId], ownerOf: [a.tenantId] };
  const staffUser = await db.user.findUniqueOrThrow({ where: { email: `staff-a-${stamp}@iso.test` } });
  staffA = { id: staffUser.id, email: staffUser.email, name: null, role: "MERCHANT", tenantIds: [a.tenantId], ownerOf: [] };
  const supportUser = await db.user.create({ data: { email: `support-${stamp}@iso.test`, role: "SUPPORT" } });
  support = { id: supportUser.id, email: supportUser.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] };
});

afterAll(async () => {
  await Promise.all([vintrace?.close(), shopify?.sim.close()]);
  await db.$disconnect();
});

describe("the isolation sweep over every procedure", () => {
  it("finds the procedures by walking the router", () => {
    const found = procedures();
    expect(found.length).toBeGreaterThan(20);
    expect(found.map((p) => p.path)).toContain("settings.get");
  });

  it("knows the builder of every procedure", () => {
    const unknown = procedures().filter((p) => !KNOWN_ACCESS.includes(p.access as Access));
    expect(unknown.map((p) => `${p.path} (access: ${String(p.access)})`)).toEqual([]);
  });

  it("has B's value for every record id a procedure takes", () => {
    const missing = procedures().flatMap((p) => inputFor(p, idsOfB()).unknownIds.map((k) => `${p.path}.${k}`));
    expect(missing, "add winery B's record for these keys to idsOfB()").toEqual([]);
  });

  it("refuses a merchant of A everything of winery B's, and everything support-only", async () => {
    const failures: string[] = [];
    const markers = markersOf(b);
    const before = {
      members: await db.membership.count({ where: { tenantId: b.tenantId } }),
      invitation: await db.invitation.findUniqueOrThrow({ where: { id: b.invitationId } }),
      order: await db.orderSync.findUniqueOrThrow({ where: { id: b.orderSyncId } }),
      settings: await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: b.tenantId } }),
      tenant: await db.tenant.findUniqueOrThrow({ where: { id: b.tenantId } }),
      change: await db.orderChange.findUniqueOrThrow({ where: { id: b.changeId } }),
    };
    for (const proc of procedures()) {
      const { input } = inputFor(proc, idsOfB());
      const outcome = await call(merchantA, proc.path, input);
      if (TENANT_SCOPED.includes(proc.access) || proc.access === "support") {
        const allowed = proc.access === "support" ? ["FORBIDDEN"] : ["FORBIDDEN", "NOT_FOUND"];
        if (outcome.ok || !allowed.includes(outcome.code)) {
          failures.push(`${proc.path} [${String(proc.access)}] with B's ids: ${outcome.ok ? "answered" : outcome.code} (expected ${allowed.join(" or ")})`);
        }
      } else if (outcome.ok) {
        const found = leaked(outcome.data, markers);
        if (found.length) failures.push(`${proc.path} [${String(proc.access)}] answered B's data: ${found.join(", ")}`);
      }
    }
    expect(failures).toEqual([]);
    // And nothing of B's changed.
    expect(await db.membership.count({ where: { tenantId: b.tenantId } })).toBe(before.members);
    expect(await db.invitation.findUniqueOrThrow({ where: { id: b.invitationId } })).toEqual(before.invitation);
    expect(await db.orderSync.findUniqueOrThrow({ where: { id: b.orderSyncId } })).toEqual(before.order);
    expect(await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: b.tenantId } })).toEqual(before.settings);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: b.tenantId } })).toEqual(before.tenant);
    expect(await db.orderChange.findUniqueOrThrow({ where: { id: b.changeId } })).toEqual(before.change);
  });

  it("refuses B's records through A's own winery id, and A's queries answer nothing of B's", async () => {
    const failures: string[] = [];
    const markers = markersOf(b);
    const ids = { ...idsOfB(), tenantId: a.tenantId };
    for (const proc of procedures().filter((p) => TENANT_SCOPED.includes(p.access))) {
      const { input, idKeys } = inputFor(proc, ids);
      // Mutations without record ids would only change A's own data: the sweep does not run them.
      if (proc.type === "mutation" && idKeys.length === 0) continue;
      const outcome = await call(merchantA, proc.path, input);
      if (outcome.ok) {
        const found = leaked(outcome.data, markers);
        if (found.length) failures.push(`${proc.path} with A's id${idKeys.length ? ` and B's ${idKeys.join(", ")}` : ""} answered B's data: ${found.join(", ")}`);
      } else if (idKeys.length > 0 && proc.type === "mutation" && !["FORBIDDEN", "NOT_FOUND"].includes(outcome.code)) {
        failures.push(`${proc.path} with B's ${idKeys.join(", ")}: ${outcome.code} ${outcome.message} (expected FORBIDDEN or NOT_FOUND)`);
      }
    }
    expect(failures).toEqual([]);
    expect(await db.membership.count({ where: { userId: b.ownerId, tenantId: b.tenantId } })).toBe(1);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: b.invitationId } })).expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await db.alertWebhook.count({ where: { id: b.alertWebhookId } })).toBe(1);
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: b.changeId } })).handledAt).toBeNull();
  });

  it("refuses A's staff every owner-only procedure on A, and answers them every winery query", async () => {
    const failures: string[] = [];
    const ids = { ...idsOfB(), tenantId: a.tenantId, orderSyncId: a.orderSyncId, userId: a.ownerId, invitationId: a.invitationId, productCheckId: a.productCheckId, webhookId: a.alertWebhookId };
    const before = { members: await db.membership.count({ where: { tenantId: a.tenantId } }), invitation: await db.invitation.findUniqueOrThrow({ where: { id: a.invitationId } }) };
    expect(procedures().filter((p) => p.access === "owner").map((p) => p.path)).toEqual(
      expect.arrayContaining(["users.invite", "users.remove", "setup.reopen", "setup.completeConnect", "setup.completeProducts", "setup.saveSending", "setup.completePreview", "setup.goLive"]),
    );
    // The setup wizard's reads are any of the winery's users', through its own winery id only.
    expect(procedures().filter((p) => p.path.startsWith("setup.") && p.access === "tenant").map((p) => p.path).sort()).toEqual([
      "setup.goLivePreview",
      "setup.preview",
      "setup.recentOrders",
      "setup.sendingDefaults",
      "setup.state",
    ]);
    for (const proc of procedures().filter((p) => TENANT_SCOPED.includes(p.access))) {
      if ((proc.access === "tenant" || proc.access === "scoped") && proc.type === "mutation") continue;
      const outcome = await call(staffA, proc.path, inputFor(proc, ids).input);
      const refused = !outcome.ok && outcome.code === "FORBIDDEN";
      if (proc.access === "owner" && !refused) failures.push(`${proc.path} [owner] as staff: ${outcome.ok ? "answered" : outcome.code}`);
      if (proc.access !== "owner" && refused) failures.push(`${proc.path} [${String(proc.access)}] query refused to staff`);
    }
    expect(failures).toEqual([]);
    expect(await db.membership.count({ where: { tenantId: a.tenantId } })).toBe(before.members);
    expect(await db.invitation.findUniqueOrThrow({ where: { id: a.invitationId } })).toEqual(before.invitation);
  });

  it("refuses A's owner and staff every support-only procedure, even on A's own records, and changes nothing of A's", async () => {
    const supportOnly = procedures().filter((p) => p.access === "support");
    expect(supportOnly.map((p) => p.path)).toEqual(expect.arrayContaining(["overview.retryUnrecognisedWords", "orders.retryAfterReview"]));
    const ids = { ...idsOfB(), tenantId: a.tenantId, orderSyncId: a.orderSyncId, userId: a.ownerId, invitationId: a.invitationId, productCheckId: a.productCheckId, webhookId: a.alertWebhookId };
    const before = await db.orderSync.findUniqueOrThrow({ where: { id: a.orderSyncId } });
    const failures: string[] = [];
    for (const [who, user] of [["owner", merchantA], ["staff", staffA]] as const) {
      for (const proc of supportOnly) {
        const outcome = await call(user, proc.path, inputFor(proc, ids).input);
        if (outcome.ok || outcome.code !== "FORBIDDEN") failures.push(`${proc.path} as A's ${who}: ${outcome.ok ? "answered" : outcome.code}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await db.orderSync.findUniqueOrThrow({ where: { id: a.orderSyncId } })).toEqual(before);
  });

  it("sends no secret to anyone: every query's answer, as the merchant and as support", async () => {
    const hidden = await secrets();
    const failures: string[] = [];
    for (const [who, user, tenantId] of [
      ["merchant", merchantA, a.tenantId],
      ["support", support, b.tenantId],
    ] as const) {
      for (const proc of procedures().filter((p) => p.type === "query")) {
        const { input } = inputFor(proc, { ...idsOfB(), tenantId, orderSyncId: tenantId === a.tenantId ? a.orderSyncId : b.orderSyncId });
        const outcome = await call(user, proc.path, input);
        const text = serialise(outcome.ok ? outcome.data : outcome.message);
        const found = hidden.filter((s) => text.includes(s));
        if (found.length) failures.push(`${proc.path} as ${who} carried a secret`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("the procedures over the caller's visible wineries (scoped), called without a winery", () => {
  it("answers a merchant of A nothing of B's, through every one of them, and changes nothing of B's", async () => {
    const scoped = procedures().filter((p) => p.access === "scoped");
    expect(scoped.map((p) => p.path)).toEqual(expect.arrayContaining(["orders.list", "audit.list", "alerts.list", "overview.get", "overview.retryCause", "changes.list", "changes.count"]));
    const before = await db.orderSync.findUniqueOrThrow({ where: { id: b.orderSyncId } });
    const failures: string[] = [];
    for (const proc of scoped) {
      const { input } = inputFor(proc, { ...idsOfB(), tenantId: null });
      const outcome = await call(merchantA, proc.path, input);
      if (!outcome.ok) failures.push(`${proc.path} without a winery: ${outcome.code} ${outcome.message}`);
      else if (leaked(outcome.data, markersOf(b)).length) failures.push(`${proc.path} without a winery answered B's data: ${leaked(outcome.data, markersOf(b)).join(", ")}`);
    }
    expect(failures).toEqual([]);
    expect(await db.orderSync.findUniqueOrThrow({ where: { id: b.orderSyncId } })).toEqual(before);
  });

  it("gives a merchant of A their own rows", async () => {
    const caller = createCaller({ db, user: merchantA });
    const orders = await caller.orders.list({ tenantId: null, filter: { from: startedAt }, limit: 200 });
    expect(orders.rows.map((r) => r.id)).toEqual([a.orderSyncId]);
    const audit = await caller.audit.list({ tenantId: null, filter: { from: startedAt }, limit: 200 });
    expect(new Set(audit.rows.map((r) => r.tenantId))).toEqual(new Set([a.tenantId]));
    const alerts = await caller.alerts.list({ tenantId: null, limit: 100 });
    expect(alerts.items.map((i) => i.subject)).toEqual([`Alert a ${stamp}`]);
    const overview = await caller.overview.get({ tenantId: null });
    expect(overview.tenants.map((w) => w.tenantId)).toEqual([a.tenantId]);
    expect((await caller.changes.list({ tenantId: null, state: "all" })).entries.map((e) => e.id)).toEqual([a.changeId]);
    expect(await caller.changes.count({ tenantId: null })).toEqual({ open: 1 });
    expect(overview.failures.flatMap((g) => g.byTenant.map((w) => w.tenantId))).toEqual([a.tenantId]);
  });

  it("gives support every winery's rows, or the one winery picked", async () => {
    const caller = createCaller({ db, user: support });
    const orders = (await caller.orders.list({ filter: { from: startedAt }, limit: 200 })).rows.map((r) => r.id);
    expect(orders).toEqual(expect.arrayContaining([a.orderSyncId, b.orderSyncId]));
    expect((await caller.orders.list({ tenantId: b.tenantId, filter: { from: startedAt }, limit: 200 })).rows.map((r) => r.id)).toEqual([b.orderSyncId]);
    const audit = (await caller.audit.list({ filter: { from: startedAt }, limit: 200 })).rows.map((r) => r.tenantId);
    expect(audit).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    expect((await caller.changes.list({ state: "all", limit: 100 })).entries.map((e) => e.id)).toEqual(expect.arrayContaining([a.changeId, b.changeId]));
    expect((await caller.changes.list({ tenantId: b.tenantId, state: "all" })).entries.map((e) => e.id)).toEqual([b.changeId]);
    const tenants = (await caller.overview.get({})).tenants.map((w) => w.tenantId);
    expect(tenants).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    expect((await caller.overview.get({ tenantId: b.tenantId })).tenants.map((w) => w.tenantId)).toEqual([b.tenantId]);
    // Alerts without a winery are the support team's own digests; a winery's alerts are under its name.
    expect((await caller.alerts.list({ limit: 100 })).items.map((i) => i.subject)).not.toContain(`Alert b ${stamp}`);
    expect((await caller.alerts.list({ tenantId: b.tenantId, limit: 100 })).items.map((i) => i.subject)).toEqual([`Alert b ${stamp}`]);
  });
});

describe("settings never send the API key", () => {
  it("masks it on read, keeps it out of a save's answer, and tests the connection without returning it", async () => {
    const caller = createCaller({ db, user: merchantA });
    const view = await caller.settings.get({ tenantId: a.tenantId });
    expect(view.apiKey).toBe("•••• set");

    const newKey = `replaced-key-${stamp}`;
    const saved = await caller.settings.save({
      tenantId: a.tenantId,
      baseUrl: vintrace.customerUrl("hilltop"),
      apiKey: newKey,
      authScheme: "BEARER",
      customerName: "shopify web customer",
      salesPriceList: "Retail Inclusive",
      storageAreaId: 99,
      taxPolicy: "INCLUSIVE",
      discountMode: "ADJUSTMENT",
      currency: "aud",
      shippingPolicy: "OMIT",
      shippingStockCode: null,
      syncTestOrders: false,
    });
    expect(saved.changed).toEqual(expect.arrayContaining(["customerName", "apiKey"]));
    const stored = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: a.tenantId } });
    expect(stored.currency).toBe("AUD");

    const tested = await caller.settings.testConnection({ tenantId: a.tenantId, apiKey: "demo-hilltop-token" });
    expect(tested.ok && tested.verification.checks.find((c) => c.key === "customer")?.suggestion).toBe("Did you mean 'Shopify Web Customer'?");

    const answers = [view, saved, tested, await caller.settings.get({ tenantId: a.tenantId })].map(serialise).join("\n");
    for (const secret of [newKey, "demo-hilltop-token", a.vintraceKey, stored.apiKeyEnc, ...stored.apiKeyEnc.split(".").slice(2)]) {
      expect(answers).not.toContain(secret);
    }

    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: a.tenantId, action: "settings.changed", actorEmail: a.ownerEmail }, orderBy: { createdAt: "desc" } });
    expect(JSON.stringify(audit.details)).not.toContain(newKey);
    expect(JSON.stringify(audit.details)).toContain("shopify web customer");
  });

  it("names each bad field beside it", async () => {
    const caller = createCaller({ db, user: merchantA });
    const error = await caller.settings
      .save({
        tenantId: a.tenantId,
        baseUrl: "https://evil.example.com/x",
        authScheme: "BEARER",
        customerName: "",
        salesPriceList: "Retail",
        storageAreaId: null,
        taxPolicy: "INCLUSIVE",
        discountMode: "ADJUSTMENT",
        currency: "dollars",
        shippingPolicy: "STOCK_CODE",
        shippingStockCode: null,
        syncTestOrders: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    const fields = Object.keys((error as TRPCError & { cause: z.ZodError }).cause.issues.reduce((acc, i) => ({ ...acc, [String(i.path[0])]: true }), {}));
    expect(fields).toEqual(expect.arrayContaining(["customerName", "currency", "shippingStockCode"]));

    const badUrl = await caller.settings
      .save({
        tenantId: a.tenantId,
        baseUrl: "https://evil.example.com/x",
        authScheme: "BEARER",
        customerName: "Web",
        salesPriceList: "Retail",
        storageAreaId: null,
        taxPolicy: "INCLUSIVE",
        discountMode: "ADJUSTMENT",
        currency: "AUD",
        shippingPolicy: "OMIT",
        shippingStockCode: null,
        syncTestOrders: false,
      })
      .catch((e: unknown) => e);
    expect((badUrl as TRPCError & { cause: z.ZodError }).cause.issues[0]).toMatchObject({ path: ["baseUrl"] });
    expect((await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: a.tenantId } })).baseUrl).toBe(vintrace.customerUrl("hilltop"));
  });
});

describe("the vintrace connection is changed by owners and support only", () => {
  /** The save input that keeps every setting as the page shows it. */
  const unchanged = (view: Awaited<ReturnType<ReturnType<typeof createCaller>["settings"]["get"]>>) => ({
    tenantId: view.tenantId,
    baseUrl: view.baseUrl,
    authScheme: view.authScheme,
    customerName: view.customerName,
    salesPriceList: view.salesPriceList,
    storageAreaId: view.storageAreaId,
    taxPolicy: view.taxPolicy,
    discountMode: view.discountMode,
    currency: view.currency,
    shippingPolicy: view.shippingPolicy,
    shippingStockCode: view.shippingStockCode,
    syncTestOrders: view.syncTestOrders,
  });
  const connectionEdits = () => [
    { baseUrl: vintrace.customerUrl("riverbend") },
    { apiKey: `staff-typed-key-${stamp}` },
    { authScheme: "BASIC" as const },
    { customerName: "Someone Else's Customer" },
  ];

  it("staff see the connection as read-only, cannot change any part of it, and still change how orders are sent", async () => {
    const staff = createCaller({ db, user: staffA });
    const view = await staff.settings.get({ tenantId: a.tenantId });
    expect(view.canChangeConnection).toBe(false);
    expect((await createCaller({ db, user: merchantA }).settings.get({ tenantId: a.tenantId })).canChangeConnection).toBe(true);
    expect((await createCaller({ db, user: support }).settings.get({ tenantId: a.tenantId })).canChangeConnection).toBe(true);

    const stored = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: a.tenantId } });
    for (const edit of connectionEdits()) {
      const refused = await staff.settings.save({ ...unchanged(view), ...edit }).catch((e: unknown) => e);
      expect(refused, JSON.stringify(edit)).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Only an owner of this winery or Winehub support") });
    }
    expect(await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: a.tenantId } })).toEqual(stored);

    const saved = await staff.settings.save({ ...unchanged(view), salesPriceList: "Wholesale", taxPolicy: "EXCLUSIVE" });
    expect(saved.changed.sort()).toEqual(["salesPriceList", "taxPolicy"]);
    const after = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: a.tenantId } });
    expect(after).toMatchObject({ baseUrl: stored.baseUrl, apiKeyEnc: stored.apiKeyEnc, authScheme: stored.authScheme, customerName: stored.customerName, salesPriceList: "Wholesale" });
  });

  it("staff test the saved connection, never one with their own address, key or customer", async () => {
    const staff = createCaller({ db, user: staffA });
    const saved = await staff.settings.testConnection({ tenantId: a.tenantId });
    expect(saved.ok && saved.testedSaved).toBe(true);
    const view = await staff.settings.get({ tenantId: a.tenantId });
    expect(await staff.settings.testConnection({ ...unchanged(view), salesPriceList: "Retail Inclusive" })).toMatchObject({ ok: true });
    for (const edit of connectionEdits()) {
      await expect(staff.settings.testConnection({ tenantId: a.tenantId, ...edit }), JSON.stringify(edit)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    // An owner may test another address before saving it.
    const owner = createCaller({ db, user: merchantA });
    expect(await owner.settings.testConnection({ tenantId: a.tenantId, baseUrl: vintrace.customerUrl("riverbend"), apiKey: "demo-riverbend-token" })).toMatchObject({ ok: true, testedSaved: false });
  });

  it("support staff change the connection", async () => {
    const caller = createCaller({ db, user: support });
    const view = await caller.settings.get({ tenantId: a.tenantId });
    const saved = await caller.settings.save({ ...unchanged(view), customerName: "Shopify Web Customer (support)" });
    expect(saved.changed).toEqual(["customerName"]);
    await caller.settings.save(unchanged(view));
  });
});
