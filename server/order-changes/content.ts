// An order's content: the fields that matter to vintrace (lines with their quantities, unit prices and discounts,
// shipping lines, order discount codes, the customer, the address goods go to), normalised so that the same order
// gives the same JSON however it reached us: an orders/create or orders/updated body, or the Admin API's answer
// rewritten into that shape (money "35.0" and "35.00", an empty address line and a missing one, are the same).
// Its sha256 is OrderSync.contentHash: an orders/updated delivery with the record's hash (a tag write, a note, a
// fulfilment) is dropped at intake, so this runs on every such delivery and reads only what it needs.
// Pure: no database, so the webhook path, the queue and the change processor share it.
import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EditedDetails } from "@/lib/order-changes";
import { padDecimals, sumDecimals } from "@/server/money";

// The input schema checks types only: transforms and records cost several times the whole check, and this runs on every
// orders/updated. Trimming and money are normalised below, once the body is known to be an order.
const str = z.string().nullish();
const amount = z.union([z.string(), z.number()]);
const addressInput = z.object({
  name: str,
  first_name: str,
  last_name: str,
  company: str,
  address1: str,
  address2: str,
  city: str,
  province: str,
  zip: str,
  country: str,
  phone: str,
});

/** Only the fields content reads; z.object drops the rest without copying it. */
const orderInput = z.object({
  email: str,
  line_items: z.array(
    z.object({
      sku: str,
      title: str,
      name: str,
      quantity: z.number().int(),
      current_quantity: z.number().int().nullish(),
      price: amount,
      discount_allocations: z.array(z.object({ amount })).nullish(),
    }),
  ),
  shipping_lines: z.array(z.object({ title: str, price: amount })).nullish(),
  discount_codes: z.array(z.object({ code: str })).nullish(),
  customer: z.object({ email: str, first_name: str, last_name: str }).nullish(),
  shipping_address: addressInput.nullish(),
  billing_address: addressInput.nullish(),
});
type OrderInput = z.infer<typeof orderInput>;

const line = z.object({
  /** the SKU, or the line's name when it has none: what a sent line and a current one are matched by */
  key: z.string(),
  sku: z.string().nullable(),
  title: z.string(),
  quantity: z.number().int(),
  unitPrice: z.string(),
  discount: z.string(),
});

/** The address fields vintrace's "send to" is built from, in a fixed order. */
const ADDRESS_FIELDS = ["name", "company", "address1", "address2", "city", "province", "zip", "country", "phone"] as const;
const address = z.object(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, z.string().nullable()])) as Record<(typeof ADDRESS_FIELDS)[number], z.ZodNullable<z.ZodString>>);
type Address = z.infer<typeof address>;

/** The stored shape (OrderSync.content), parsed on every read: it gives the fields back in this order (jsonb does not keep it). */
export const orderContentSchema = z.object({
  lines: z.array(line),
  shipping: z.array(z.object({ title: z.string(), price: z.string() })),
  discountCodes: z.array(z.string()),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  address: address.nullable(),
});
export type OrderContent = z.infer<typeof orderContentSchema>;
type ContentLine = z.infer<typeof line>;

/** "35", "35.0" and "35.000" are all "35.00"; a price with fractions of a cent keeps them ("3.125"). */
export function canonicalMoney(amount: string): string {
  return padDecimals(amount, 2).replace(/^(-?\d+\.\d\d\d*?)0+$/, "$1");
}

/** Trimmed text, null when empty. */
const clean = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Thrown for an amount that is not a plain decimal: the body is then not read as an order. */
class NotAnAmount extends Error {}

function money(value: string | number): string {
  const text = String(value).trim();
  if (!DECIMAL.test(text)) throw new NotAnAmount(text);
  return canonicalMoney(text);
}

/** The sum of a line's discount allocations; most lines have none or one, which need no arithmetic. */
function lineDiscount(allocations: { amount: string | number }[]): string {
  if (allocations.length === 0) return "0.00";
  if (allocations.length === 1) return money(allocations[0].amount);
  return canonicalMoney(sumDecimals(allocations.map((d) => ({ amount: money(d.amount), times: 1 }))));
}

function addressOf(raw: z.infer<typeof addressInput> | null | undefined): Address | null {
  if (!raw) return null;
  const joined = [clean(raw.first_name), clean(raw.last_name)].filter(Boolean).join(" ");
  const fields: Address = {
    name: clean(raw.name) ?? (joined || null),
    company: clean(raw.company),
    address1: clean(raw.address1),
    address2: clean(raw.address2),
    city: clean(raw.city),
    province: clean(raw.province),
    zip: clean(raw.zip),
    country: clean(raw.country),
    phone: clean(raw.phone),
  };
  return Object.values(fields).some((v) => v !== null) ? fields : null;
}

const byKey = (a: ContentLine, b: ContentLine) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.unitPrice < b.unitPrice ? -1 : a.unitPrice > b.unitPrice ? 1 : 0);

/** The order's content from an order body (webhook or rebuilt from the Admin API), or null when it is not one. */
export function orderContent(raw: unknown): OrderContent | null {
  const parsed = orderInput.safeParse(raw);
  if (!parsed.success) return null;
  try {
    return contentOf(parsed.data);
  } catch (error) {
    if (error instanceof NotAnAmount) return null;
    throw error;
  }
}

function contentOf(order: OrderInput): OrderContent {
  const lines = order.line_items
    .map((item) => ({ item, quantity: item.current_quantity ?? item.quantity }))
    // A line an edit or a refund removed stays in Shopify's order with nothing left of it.
    .filter(({ quantity }) => quantity > 0)
    .map(({ item, quantity }): ContentLine => {
      const sku = clean(item.sku);
      const title = clean(item.name) ?? clean(item.title) ?? "";
      return {
        key: sku ?? title,
        sku,
        title,
        quantity,
        unitPrice: money(item.price),
        discount: lineDiscount(item.discount_allocations ?? []),
      };
    })
    .sort(byKey);
  const customerName = [clean(order.customer?.first_name), clean(order.customer?.last_name)].filter(Boolean).join(" ") || null;
  const email = (clean(order.email) ?? clean(order.customer?.email))?.toLowerCase() ?? null;
  return {
    lines,
    shipping: (order.shipping_lines ?? [])
      .map((s) => ({ title: clean(s.title) ?? "", price: money(s.price) }))
      .sort((a, b) => (`${a.title} ${a.price}` < `${b.title} ${b.price}` ? -1 : 1)),
    discountCodes: (order.discount_codes ?? []).flatMap((d) => clean(d.code)?.toUpperCase() ?? []).sort(),
    customer: customerName || email ? { name: customerName, email } : null,
    address: addressOf(order.shipping_address) ?? addressOf(order.billing_address),
  };
}

/** The sha256 of the content's JSON; stable, because orderContent builds every object in one key order and sorts every list. */
export function contentHash(content: OrderContent): string {
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/** Content and hash together, for the writers of OrderSync.content; nulls when the body is not an order. */
export function contentWithHash(raw: unknown): { content: OrderContent | null; contentHash: string | null } {
  const content = orderContent(raw);
  return { content, contentHash: content ? contentHash(content) : null };
}

/** Stored content, parsed; null when there is none or it is not of this shape (written before the field existed). */
export function readContent(stored: unknown): OrderContent | null {
  const parsed = orderContentSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

// ---- What changed between what was sent and the order now ---------------------------------------------------------

const lineState = (l: ContentLine) => ({ quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount });

/** Lines grouped by key, in order: a key that appears twice is matched occurrence by occurrence. */
function groupByKey(lines: ContentLine[]): Map<string, ContentLine[]> {
  const groups = new Map<string, ContentLine[]>();
  for (const l of lines) groups.set(l.key, [...(groups.get(l.key) ?? []), l]);
  return groups;
}

function diffLines(sent: ContentLine[], now: ContentLine[]): EditedDetails["lines"] {
  const before = groupByKey(sent);
  const after = groupByKey(now);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.flatMap((key) => {
    const a = before.get(key) ?? [];
    const b = after.get(key) ?? [];
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => ({ sent: a[i] ?? null, now: b[i] ?? null }))
      .filter(({ sent: s, now: n }) => !s || !n || s.quantity !== n.quantity || s.unitPrice !== n.unitPrice || s.discount !== n.discount)
      .map(({ sent: s, now: n }) => {
        const shown = (n ?? s) as ContentLine;
        return { key, title: shown.title, sku: shown.sku, sent: s ? lineState(s) : null, now: n ? lineState(n) : null };
      });
  });
}

const describeShipping = (c: OrderContent) => (c.shipping.length ? c.shipping.map((s) => `${s.title} ${s.price}`).join("; ") : null);
const describeCodes = (c: OrderContent) => (c.discountCodes.length ? c.discountCodes.join(", ") : null);
const describeCustomer = (c: OrderContent) => (c.customer ? [c.customer.name, c.customer.email && `<${c.customer.email}>`].filter(Boolean).join(" ") : null);
const describeAddress = ({ address: a }: OrderContent) => (a ? ADDRESS_FIELDS.map((f) => a[f]).filter(Boolean).join(", ") : null);

const OTHER_FIELDS: [string, (c: OrderContent) => string | null][] = [
  ["Shipping", describeShipping],
  ["Order discounts", describeCodes],
  ["Customer", describeCustomer],
  ["Shipping address", describeAddress],
];

/** What differs between the content sent to vintrace and the order's content now; null when nothing does. */
export function diffContent(sent: OrderContent, now: OrderContent): EditedDetails | null {
  const lines = diffLines(sent.lines, now.lines);
  const other = OTHER_FIELDS.flatMap(([field, describe]) => {
    const before = describe(sent);
    const after = describe(now);
    return before === after ? [] : [{ field, sent: before, now: after }];
  });
  return lines.length || other.length ? { kind: "EDITED", lines, other } : null;
}
