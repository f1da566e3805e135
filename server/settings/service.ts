// A winery's vintrace settings as the Settings page sees them, and saving them. The API key is write-only: the page
// learns whether one is set, never the key or its ciphertext. Every save records which fields changed in the audit
// log (the key only as "replaced"), then re-queues the failures whose cause a changed field fixes. The connection itself (where
// orders go, with which key, as which customer) is changed only by the winery's owners and support staff: staff may
// change how orders are sent, and test the saved connection, but never point the winery's orders or key elsewhere.
import "server-only";
import { DEFAULT_SETTINGS, EDITABLE_SETTINGS, API_KEY_REQUIRED, type ConnectionTestInput, type TenantSettings } from "@/lib/tenant-settings";
import { recordAudit } from "@/server/audit/record";
import { decryptSecret, encryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import type { Prisma, TenantStatus } from "@/server/generated/prisma/client";
import { retryAfterSettingsChange } from "@/server/orders/fix-retry";
import { normaliseVintraceUrl, verifyVintraceSettings, type SettingsVerification } from "@/server/vintrace";
import { taxPolicyMismatch, taxPolicyMismatchMessage, type TaxPolicyMismatch } from "./tax-policy";

export const MASKED_KEY = "•••• set";

/** The vintrace connection: only an owner of the winery or support staff may change these. */
export const CONNECTION_FIELDS = ["baseUrl", "apiKey", "authScheme", "customerName"] as const;
export type ConnectionField = (typeof CONNECTION_FIELDS)[number];

type Connection = Pick<TenantSettings, "baseUrl" | "authScheme" | "customerName">;

/** The connection fields `next` (and a newly typed key) would change; every one of them when nothing is stored yet. */
function connectionEdits(stored: Connection | null, next: Connection, newKey: boolean): ConnectionField[] {
  return CONNECTION_FIELDS.filter((field) => (field === "apiKey" ? newKey || !stored : !stored || stored[field] !== next[field]));
}

/** Whoever saves or tests settings, and whether they may change the connection. */
export interface SettingsEditor {
  id?: string | null;
  email: string;
  mayChangeConnection: boolean;
}

/** Answered instead when someone who may not change the connection tries to. */
export interface ConnectionLocked {
  ok: false;
  connectionLocked: ConnectionField[];
}

/** The settings as the page shows them: the key masked, plus the winery and when they were last saved and tested. */
export interface SettingsView extends Omit<TenantSettings, "apiKey"> {
  tenantId: string;
  tenantName: string;
  tenantStatus: TenantStatus;
  /** "sync orders created after": earlier orders are never sent */
  syncOrdersCreatedAfter: Date;
  configured: boolean;
  /** "•••• set" when a key is stored; never the key */
  apiKey: string | null;
  lastVerifiedAt: Date | null;
  lastVerification: SettingsVerification | null;
  updatedAt: Date | null;
  /** null: nobody chose the tax policy yet, so vintrace's first sales order fills it */
  taxPolicySetAt: Date | null;
  /** vintrace reports another tax policy than the one above */
  taxPolicyMismatch: (TaxPolicyMismatch & { message: string }) | null;
}

type StoredSettings = Omit<TenantSettings, "apiKey">;

/** The editable settings of a stored row, and nothing else. */
const storedSettings = (row: StoredSettings): StoredSettings => Object.fromEntries(EDITABLE_SETTINGS.map((f) => [f, row[f]])) as StoredSettings;

export async function settingsView(db: Db, tenantId: string): Promise<SettingsView | null> {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      id: true,
      name: true,
      status: true,
      syncOrdersCreatedAfter: true,
      // Selected field by field so the key's ciphertext never leaves the database.
      vintrace: {
        select: {
          baseUrl: true,
          authScheme: true,
          customerName: true,
          salesPriceList: true,
          storageAreaId: true,
          taxPolicy: true,
          taxPolicySetAt: true,
          vintraceTaxPolicy: true,
          vintraceTaxPolicyAt: true,
          discountMode: true,
          currency: true,
          shippingPolicy: true,
          shippingStockCode: true,
          syncTestOrders: true,
          ignoreStockError: true,
          lastVerifiedAt: true,
          lastVerification: true,
          updatedAt: true,
        },
      },
    },
  });
  if (!tenant) return null;
  const v = tenant.vintrace;
  return {
    tenantId: tenant.id,
    tenantName: tenant.name,
    tenantStatus: tenant.status,
    syncOrdersCreatedAfter: tenant.syncOrdersCreatedAfter,
    configured: v !== null,
    ...DEFAULT_SETTINGS,
    ...(v ? { ...storedSettings(v), apiKey: MASKED_KEY } : { apiKey: null }),
    lastVerifiedAt: v?.lastVerifiedAt ?? null,
    lastVerification: (v?.lastVerification as SettingsVerification | null | undefined) ?? null,
    updatedAt: v?.updatedAt ?? null,
    taxPolicySetAt: v?.taxPolicySetAt ?? null,
    taxPolicyMismatch: mismatchView(taxPolicyMismatch(v)),
  };
}

const mismatchView = (mismatch: TaxPolicyMismatch | null) => (mismatch ? { ...mismatch, message: taxPolicyMismatchMessage(mismatch) } : null);

export interface SettingsChange {
  field: string;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

export type SaveSettingsResult = { ok: true; changes: SettingsChange[] } | { ok: false; fieldErrors: Record<string, string> } | ConnectionLocked;

/**
 * Validates against the stored state (a first save needs a key; the address must be vintrace's), refuses a change
 * to the connection by someone who may not make it, then saves.
 */
export async function saveSettings(db: Db, tenantId: string, input: TenantSettings, actor: SettingsEditor, allowlist: string[]): Promise<SaveSettingsResult> {
  const existing = await db.vintraceSettings.findUnique({ where: { tenantId } });
  const errors: Record<string, string> = {};
  const url = normaliseVintraceUrl(input.baseUrl, allowlist);
  if (!url.ok) errors.baseUrl = url.message;
  if (!existing && !input.apiKey) errors.apiKey = API_KEY_REQUIRED;
  if (!url.ok || Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  if (!actor.mayChangeConnection) {
    const locked = connectionEdits(existing, { baseUrl: url.url, authScheme: input.authScheme, customerName: input.customerName }, Boolean(input.apiKey));
    if (locked.length) return { ok: false, connectionLocked: locked };
  }

  const next = { ...storedSettings(input), baseUrl: url.url };
  const changes: SettingsChange[] = [];
  for (const field of EDITABLE_SETTINGS) {
    const before = existing ? existing[field] : null;
    if (before !== next[field]) changes.push({ field, from: before, to: next[field] });
  }
  if (input.apiKey) changes.push({ field: "apiKey", from: existing ? "(set)" : null, to: "(replaced)" });
  if (changes.length === 0) return { ok: true, changes };

  // Choosing a tax policy settles it: vintrace's replies no longer fill it in, they only warn when they disagree. A
  // first save that keeps the default chose nothing, so vintrace's first sales order still fills it.
  const choseTaxPolicy = existing ? existing.taxPolicy !== next.taxPolicy : next.taxPolicy !== DEFAULT_SETTINGS.taxPolicy;
  const taxPolicyChosen = choseTaxPolicy ? { taxPolicySetAt: new Date() } : {};
  const keyEnc = input.apiKey ? encryptSecret(input.apiKey, { tenantId, column: "VintraceSettings.apiKeyEnc" }) : undefined;
  await db.$transaction(async (tx) => {
    if (existing) {
      await tx.vintraceSettings.update({ where: { tenantId }, data: { ...next, ...taxPolicyChosen, ...(keyEnc ? { apiKeyEnc: keyEnc } : {}) } });
    } else {
      await tx.vintraceSettings.create({ data: { tenantId, ...next, ...taxPolicyChosen, apiKeyEnc: keyEnc as string } });
    }
    await recordAudit(tx, {
      action: existing ? "settings.changed" : "settings.created",
      actor,
      tenantId,
      details: { changes: changes as unknown as Prisma.InputJsonValue },
    });
  });
  return { ok: true, changes };
}

export type AppliedSettings = { ok: true; changed: string[]; requeued: number } | Exclude<SaveSettingsResult, { ok: true }>;

/**
 * Saves the settings (as saveSettings) and re-queues the failures the save may fix: what the Settings page and the
 * CLI's tenant:set both do.
 */
export async function applySettings(db: Db, tenantId: string, input: TenantSettings, actor: SettingsEditor, allowlist: string[]): Promise<AppliedSettings> {
  const saved = await saveSettings(db, tenantId, input, actor, allowlist);
  if (!saved.ok) return saved;
  const changed = saved.changes.map((c) => c.field);
  // Only the failures a changed field may fix: a new price list does not retry orders refused for the customer. A
  // save that changes nothing retries every failure Settings can fix: the fix may have been made in vintrace (the
  // customer or price list created there) or elsewhere, and saving is how the fix link asks to try again.
  const requeued = await retryAfterSettingsChange(db, tenantId, { changed: changed.length ? changed : undefined, actor });
  return { ok: true, changed, requeued };
}

/**
 * Sets "sync orders created after" (orders created before it are never sent), audited as a settings change like
 * the others. Answers whether it changed.
 */
export async function saveSyncStart(db: Db, tenantId: string, start: Date, actor: { id?: string | null; email: string }): Promise<SettingsChange | null> {
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { syncOrdersCreatedAfter: true } });
    if (tenant.syncOrdersCreatedAfter.getTime() === start.getTime()) return null;
    await tx.tenant.update({ where: { id: tenantId }, data: { syncOrdersCreatedAfter: start } });
    const change = { field: "syncOrdersCreatedAfter", from: tenant.syncOrdersCreatedAfter.toISOString(), to: start.toISOString() };
    await recordAudit(tx, { action: "settings.changed", actor, tenantId, details: { changes: [change] } });
    return change;
  });
}

export type ConnectionTestResult =
  | { ok: true; verification: SettingsVerification; testedSaved: boolean }
  | { ok: false; fieldErrors: Record<string, string> }
  | ConnectionLocked;

/**
 * Tests the settings as shown on the page (unsaved edits included) against vintrace. A key typed in the form is
 * used once and never stored here; otherwise the stored key is. The result is remembered when it tested exactly
 * the saved settings. Someone who may not change the connection tests the saved one only: the stored key is never
 * sent to an address, or as a customer, that they chose.
 */
export async function testConnection(
  db: Db,
  tenantId: string,
  draft: ConnectionTestInput,
  options: { allowlist: string[]; mayChangeConnection: boolean },
): Promise<ConnectionTestResult> {
  const stored = await db.vintraceSettings.findUnique({ where: { tenantId } });
  const baseUrl = draft.baseUrl ?? stored?.baseUrl ?? "";
  const url = normaliseVintraceUrl(baseUrl, options.allowlist);
  const apiKey = draft.apiKey || (stored ? decryptSecret(stored.apiKeyEnc, { tenantId, column: "VintraceSettings.apiKeyEnc" }) : "");
  const errors: Record<string, string> = {};
  if (!url.ok) errors.baseUrl = url.message;
  if (!apiKey) errors.apiKey = API_KEY_REQUIRED;
  if (!url.ok || !apiKey) return { ok: false, fieldErrors: errors };

  const tested = {
    baseUrl: url.url,
    authScheme: draft.authScheme ?? stored?.authScheme ?? "BEARER",
    customerName: draft.customerName ?? stored?.customerName ?? "",
    salesPriceList: draft.salesPriceList ?? stored?.salesPriceList ?? "",
    storageAreaId: draft.storageAreaId !== undefined ? draft.storageAreaId : (stored?.storageAreaId ?? null),
  };
  if (!options.mayChangeConnection) {
    const locked = connectionEdits(stored, tested, Boolean(draft.apiKey));
    if (locked.length) return { ok: false, connectionLocked: locked };
  }
  const verification = await verifyVintraceSettings({ ...tested, apiKey, timeoutMs: 10_000 });
  const testedSaved =
    stored !== null &&
    !draft.apiKey &&
    tested.baseUrl === stored.baseUrl &&
    tested.authScheme === stored.authScheme &&
    tested.customerName === stored.customerName &&
    tested.salesPriceList === stored.salesPriceList &&
    tested.storageAreaId === stored.storageAreaId;
  if (testedSaved) {
    await db.vintraceSettings.update({
      where: { tenantId },
      data: { lastVerifiedAt: new Date(), lastVerification: verification as unknown as Prisma.InputJsonValue },
    });
  }
  return { ok: true, verification, testedSaved };
}
