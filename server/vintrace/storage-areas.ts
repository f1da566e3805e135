// vintrace has no endpoint that lists storage areas: they appear only in stock items' distributions. So we learn
// them from the stock: the inventory names the items, and a lookup of each gives its distributions.
import "server-only";
import type { VintraceClient } from "./client";
import { succeed, type VintraceResult } from "./errors";
import { stockItemIdOf, type StockItemDetails } from "./schemas";

export interface StorageAreaSeen {
  id: number;
  name: string | null;
  /** how many of the looked-up stock items have a distribution there */
  items: number;
}

/** Looking up every item of a large cellar would be slow; a sample of items finds the areas in use. */
const ITEMS_TO_SAMPLE = 40;
const LOOKUPS_AT_ONCE = 5;

export function areasOf(items: StockItemDetails[]): Map<number, StorageAreaSeen> {
  const areas = new Map<number, StorageAreaSeen>();
  for (const item of items) {
    const areaIds = new Set<number>();
    for (const distribution of item.distributions) {
      if (distribution.areaId === null || areaIds.has(distribution.areaId)) continue;
      areaIds.add(distribution.areaId);
      const area = areas.get(distribution.areaId) ?? { id: distribution.areaId, name: distribution.areaName, items: 0 };
      area.items += 1;
      areas.set(distribution.areaId, area);
    }
  }
  return areas;
}

export async function storageAreasHoldingStock(client: VintraceClient): Promise<VintraceResult<Map<number, StorageAreaSeen>>> {
  const refs = new Map<string, number | null>();
  for await (const page of client.inventoryPages()) {
    if (!page.ok) return page;
    for (const row of page.value) if (!refs.has(row.code)) refs.set(row.code, stockItemIdOf(row));
    if (refs.size >= ITEMS_TO_SAMPLE) break;
  }
  const queue = [...refs.entries()].slice(0, ITEMS_TO_SAMPLE);
  const items: StockItemDetails[] = [];
  for (let i = 0; i < queue.length; i += LOOKUPS_AT_ONCE) {
    const batch = await Promise.all(queue.slice(i, i + LOOKUPS_AT_ONCE).map(([code, id]) => (id !== null ? client.lookupStockById(id) : client.lookupStock(code))));
    for (const result of batch) {
      if (!result.ok) return result;
      if (result.value) items.push(result.value);
    }
  }
  return succeed(areasOf(items));
}

export const describeAreas = (areas: Iterable<StorageAreaSeen>) =>
  [...areas].map((a) => `${a.id}${a.name ? ` '${a.name}'` : ""}`).join(", ");
