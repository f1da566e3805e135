// Blanking a customer's personal data in the JSON we keep (order payloads, webhook payloads, sync attempts), for
// customers/redact. Two passes: fields that hold personal data by name are set to null wherever they sit, and any
// string still containing one of the customer's known values (email, phone, name, street) has it cut out.

import "server-only";
export const REDACTED = "[redacted]";

/** Field names that always hold personal data, in Shopify payloads and in our vintrace requests (`sendTo`). */
const PERSONAL_FIELDS = [
  "email",
  "contact_email",
  "phone",
  "first_name",
  "last_name",
  "firstName",
  "lastName",
  "givenName",
  "browser_ip",
  "client_details",
  "note",
  "note_attributes",
  "shipping_address",
  "billing_address",
  "default_address",
  "destination_location",
  "addresses",
  "sendTo",
];

/** In a Shopify payload `customer` is the buyer; in a vintrace reply it is the winery's own customer party. */
export const SHOPIFY_PERSONAL_FIELDS = new Set([...PERSONAL_FIELDS, "customer"]);
export const ATTEMPT_PERSONAL_FIELDS = new Set(PERSONAL_FIELDS);

/** Shorter values would cut unrelated text (a 3-letter name inside a wine's name). */
const MIN_NEEDLE_LENGTH = 5;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** The customer's identifying strings as a stored order payload shows them. */
export function personalValuesOf(payload: unknown): string[] {
  if (!isRecord(payload)) return [];
  const values: unknown[] = [payload.email, payload.contact_email, payload.phone];
  const people = [payload.customer, payload.shipping_address, payload.billing_address];
  if (isRecord(payload.customer)) people.push(payload.customer.default_address);
  for (const person of people) {
    if (!isRecord(person)) continue;
    values.push(person.email, person.phone, person.name, person.address1, person.address2);
    values.push([str(person.first_name), str(person.last_name)].filter(Boolean).join(" "));
  }
  return values.map(str).filter((v) => v.length >= MIN_NEEDLE_LENGTH);
}

/** Distinct values, longest first, so "Jane Doe Smith" goes before "Jane Doe" could split it. */
export function needlesFrom(values: string[]): string[] {
  return [...new Set(values.map(str).filter((v) => v.length >= MIN_NEEDLE_LENGTH))].sort((a, b) => b.length - a.length);
}

function scrub(text: string, needles: string[]): string {
  let result = text;
  for (const needle of needles) if (result.includes(needle)) result = result.split(needle).join(REDACTED);
  return result;
}

/** A copy of `value` with personal fields set to null and known personal values cut out of every string. */
export function redactJson(value: unknown, fields: ReadonlySet<string>, needles: string[]): Json {
  if (typeof value === "string") return scrub(value, needles);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, fields, needles));
  if (isRecord(value)) {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = fields.has(key) && item !== null ? null : redactJson(item, fields, needles);
    }
    return out;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  return null;
}
