// The Settings page's "Check" button: each setting is tested against vintrace with calls vintrace really has, and
// each gets its own verdict, so a winery sees which one to fix. Price lists cannot be listed through the API, so
// that one is confirmed by the first order's reply instead.
import "server-only";
import { createVintraceClient, type VintraceClient } from "./client";
import { checkCustomer } from "./customer-check";
import type { VintraceConnection } from "./http";
import { describeAreas, storageAreasHoldingStock } from "./storage-areas";

export type SettingsCheckKey = "connection" | "customer" | "storageArea" | "priceList";

export interface SettingsCheck {
  key: SettingsCheckKey;
  status: "ok" | "error" | "warning" | "unchecked";
  message: string;
  suggestion?: string;
}

export interface SettingsVerification {
  checks: SettingsCheck[];
  ok: boolean;
}

export interface VintraceSettingsToVerify extends Pick<VintraceConnection, "baseUrl" | "apiKey" | "authScheme" | "timeoutMs" | "fetch"> {
  customerName: string;
  storageAreaId: number | null;
  salesPriceList: string;
}

export async function verifyVintraceSettings(settings: VintraceSettingsToVerify, client?: VintraceClient): Promise<SettingsVerification> {
  const vintrace = client ?? createVintraceClient(settings);
  const priceList: SettingsCheck = {
    key: "priceList",
    status: "unchecked",
    message: `vintrace cannot list price lists, so '${settings.salesPriceList}' is checked on the first order.`,
  };

  const connection = await checkConnection(vintrace);
  if (connection.status === "error") {
    const later = "Fix the connection first.";
    return {
      ok: false,
      checks: [
        connection,
        { key: "customer", status: "unchecked", message: later },
        { key: "storageArea", status: "unchecked", message: later },
        priceList,
      ],
    };
  }
  const checks = [connection, await checkCustomerSetting(vintrace, settings.customerName), await checkStorageArea(vintrace, settings.storageAreaId), priceList];
  return { checks, ok: checks.every((c) => c.status !== "error") };
}

async function checkConnection(client: VintraceClient): Promise<SettingsCheck> {
  const first = await client.partyPages({ category: "All" }).next();
  if (first.done || first.value.ok) return { key: "connection", status: "ok", message: "Connected: vintrace accepted the API key." };
  const { error } = first.value;
  const suggestion =
    error.fix?.howTo ??
    (error.class === "NOT_FOUND" ? "Check the customer code at the end of the vintrace address (the part after vintrace.net/)." : undefined);
  return { key: "connection", status: "error", message: error.message, ...(suggestion ? { suggestion } : {}) };
}

async function checkCustomerSetting(client: VintraceClient, name: string): Promise<SettingsCheck> {
  if (!name.trim()) return { key: "customer", status: "error", message: "No customer name is set.", suggestion: "Enter the vintrace customer your web orders are recorded against." };
  const check = await checkCustomer(client, name);
  if (!check.ok) return { key: "customer", status: "warning", message: `Could not check the customer: ${check.error.message}` };
  if (check.value.found) return { key: "customer", status: "ok", message: `Found customer '${name}' (id ${check.value.party.id}).` };
  if (check.value.didYouMean) {
    return {
      key: "customer",
      status: "error",
      message: `vintrace has no customer named exactly '${name}'.`,
      suggestion: `Did you mean '${check.value.didYouMean}'?`,
    };
  }
  return {
    key: "customer",
    status: "error",
    message: `vintrace has no customer named '${name}'.`,
    suggestion: "Create the customer in vintrace, or copy its name exactly from vintrace.",
  };
}

async function checkStorageArea(client: VintraceClient, storageAreaId: number | null): Promise<SettingsCheck> {
  if (storageAreaId === null) {
    return { key: "storageArea", status: "warning", message: "No storage area is set, so vintrace uses its default." };
  }
  const areas = await storageAreasHoldingStock(client);
  if (!areas.ok) return { key: "storageArea", status: "warning", message: `Could not check the storage area: ${areas.error.message}` };
  const area = areas.value.get(storageAreaId);
  if (area) {
    return { key: "storageArea", status: "ok", message: `Storage area ${storageAreaId}${area.name ? ` '${area.name}'` : ""} holds your stock.` };
  }
  if (areas.value.size === 0) {
    return { key: "storageArea", status: "warning", message: `vintrace lists no stock yet, so storage area ${storageAreaId} cannot be checked.` };
  }
  return {
    key: "storageArea",
    status: "error",
    message: `Storage area ${storageAreaId} holds none of your stock in vintrace.`,
    suggestion: `Storage areas that hold stock: ${describeAreas(areas.value.values())}.`,
  };
}
