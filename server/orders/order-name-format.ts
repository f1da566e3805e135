// A shop names its orders `<prefix><number><suffix>` ("#1001" by default, "HT-1001-W" if the merchant changed it). The
// format is learned from the names of the shop's orders we already hold, never assumed to be "#", so a pasted "1001"
// becomes the shop's own name for it.
import "server-only";
import type { Db } from "@/server/db";
import type { OrderNameFormat } from "./parse-order-names";

const SAMPLE = 50;
const NAME_PARTS = /^(\D*)(\d+)(\D*)$/;

export const DEFAULT_ORDER_NAME_FORMAT: Required<OrderNameFormat> = { prefix: "#", suffix: "" };

/** The most common prefix/suffix among `names`; the default when none of them has the shape. */
export function inferOrderNameFormat(names: string[]): Required<OrderNameFormat> {
  const counts = new Map<string, { format: Required<OrderNameFormat>; n: number }>();
  for (const name of names) {
    const parts = NAME_PARTS.exec(name);
    if (!parts) continue;
    const key = `${parts[1]}\u0000${parts[3]}`;
    const entry = counts.get(key) ?? { format: { prefix: parts[1], suffix: parts[3] }, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  let best: { format: Required<OrderNameFormat>; n: number } | null = null;
  for (const entry of counts.values()) if (!best || entry.n > best.n) best = entry;
  return best?.format ?? DEFAULT_ORDER_NAME_FORMAT;
}

export async function orderNameFormatFor(db: Db, tenantId: string): Promise<Required<OrderNameFormat>> {
  const recent = await db.orderSync.findMany({ where: { tenantId }, select: { orderName: true }, orderBy: { createdAt: "desc" }, take: SAMPLE });
  return inferOrderNameFormat(recent.map((r) => r.orderName));
}
