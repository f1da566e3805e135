// The simulator's metafields: metafieldsSet on orders and metafieldDefinitionCreate, validated the way Shopify does
// (namespace, key, type and owner; a definition's type wins; all or nothing), and an order's metafield read back.
import { nextShopifyId } from "@/simulators/shopify/order-payload";
import { metafieldDefinitionNode, metafieldNode } from "@/simulators/shopify/graphql-nodes";
import type { SimMetafield, SimShop } from "@/simulators/shopify/shop-state";

/** The simulated app's id: Shopify stores `$app:vintrace` as `app--<the app's id>--vintrace`. */
export const SIM_APP_ID = 4_242_424_242;

/** The types the simulator accepts (a few of Shopify's); values are checked for the text ones only. */
const METAFIELD_TYPES = new Set(["single_line_text_field", "multi_line_text_field", "number_integer", "boolean", "json", "date", "url"]);
const OWNER_TYPES = new Set(["ORDER", "PRODUCT", "CUSTOMER", "PRODUCTVARIANT", "SHOP"]);
const MAX_METAFIELDS_PER_CALL = 25;
const MAX_PINNED_PER_OWNER_TYPE = 20;
const KEY = /^[A-Za-z0-9_-]{2,64}$/;
const NAMESPACE = /^[A-Za-z0-9_-]{3,255}$/;

interface UserError {
  field: string[];
  message: string;
  code: string;
}

/** `$app:vintrace` → `app--<id>--vintrace`; any other namespace as given; null when it is not a valid one. */
export function resolveNamespace(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const app = /^\$app:(.+)$/.exec(raw);
  const namespace = app ? `app--${SIM_APP_ID}--${app[1]}` : raw;
  return NAMESPACE.test(namespace) ? namespace : null;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

export function createMetafieldDefinition(shop: SimShop, raw: unknown) {
  const input = (raw ?? {}) as Record<string, unknown>;
  const field = (name: string) => ["definition", name];
  const namespace = resolveNamespace(input.namespace);
  const key = text(input.key);
  const ownerType = text(input.ownerType);
  const type = text(input.type);
  const errors: UserError[] = [];
  if (!text(input.name)) errors.push({ field: field("name"), message: "Name can't be blank", code: "BLANK" });
  if (!namespace) errors.push({ field: field("namespace"), message: "Namespace is invalid", code: "INVALID" });
  if (!KEY.test(key)) errors.push({ field: field("key"), message: "Key is invalid", code: "INVALID" });
  if (!OWNER_TYPES.has(ownerType)) errors.push({ field: field("ownerType"), message: "Owner type is not included in the list", code: "INCLUSION" });
  if (!METAFIELD_TYPES.has(type)) errors.push({ field: field("type"), message: "Type is not included in the list", code: "INCLUSION" });
  const taken = shop.metafieldDefinitions.some((d) => d.ownerType === ownerType && d.namespace === namespace && d.key === key);
  if (errors.length === 0 && taken) {
    errors.push({ field: field("key"), message: `Key is in use for ${ownerType.toLowerCase()} metafields on the '${namespace}' namespace.`, code: "TAKEN" });
  }
  const pinned = shop.metafieldDefinitions.filter((d) => d.ownerType === ownerType && d.pinnedPosition !== null).length;
  if (errors.length === 0 && input.pin === true && pinned >= MAX_PINNED_PER_OWNER_TYPE) {
    errors.push({ field: field("pin"), message: "Limit of 20 pinned definitions reached", code: "PINNED_LIMIT_REACHED" });
  }
  if (errors.length > 0 || !namespace) return { createdDefinition: null, userErrors: errors };
  const definition = {
    id: `gid://shopify/MetafieldDefinition/${nextShopifyId()}`,
    name: text(input.name),
    namespace,
    key,
    ownerType,
    type,
    pinnedPosition: input.pin === true ? pinned + 1 : null,
  };
  shop.metafieldDefinitions.push(definition);
  return { createdDefinition: metafieldDefinitionNode(definition), userErrors: [] };
}

/** Sets every metafield given, or none when any is invalid (Shopify's metafieldsSet is atomic). */
export function setMetafields(shop: SimShop, raw: unknown) {
  const inputs = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
  const errors: (UserError & { elementIndex: number | null })[] = [];
  if (inputs.length === 0 || inputs.length > MAX_METAFIELDS_PER_CALL) {
    errors.push({ field: ["metafields"], message: `Between 1 and ${MAX_METAFIELDS_PER_CALL} metafields can be set at a time`, code: "INVALID", elementIndex: null });
  }
  const valid = inputs.map((input, index) => {
    const refuse = (name: string, message: string, code: string) => {
      errors.push({ field: ["metafields", String(index), name], message, code, elementIndex: index });
      return null;
    };
    const ownerId = text(input.ownerId);
    const namespace = resolveNamespace(input.namespace);
    const key = text(input.key);
    const value = typeof input.value === "string" ? input.value : null;
    // The simulator keeps orders only, so an order is the only owner it knows.
    if (!ownerId.startsWith("gid://shopify/Order/") || !shop.orders.has(ownerId)) return refuse("ownerId", "Owner does not exist.", "INVALID");
    if (!namespace) return refuse("namespace", "Namespace is invalid", "INVALID");
    if (!KEY.test(key)) return refuse("key", "Key is invalid", "INVALID");
    const definition = shop.metafieldDefinitions.find((d) => d.ownerType === "ORDER" && d.namespace === namespace && d.key === key);
    const type = text(input.type) || definition?.type || "";
    if (!type) return refuse("type", "Type can't be blank when there is no definition", "BLANK");
    if (!METAFIELD_TYPES.has(type)) return refuse("type", "Type is invalid", "INVALID_TYPE");
    if (definition && definition.type !== type) return refuse("type", `Type must be ${definition.type}, the definition's type`, "INVALID_TYPE");
    if (value === null || value === "") return refuse("value", "Value can't be blank", "BLANK");
    if (type === "single_line_text_field" && /[\r\n]/.test(value)) return refuse("value", "Value must be a single line of text", "INVALID_VALUE");
    return { ownerId, namespace, key, type, value };
  });
  if (errors.length > 0) return { metafields: null, userErrors: errors };
  const now = new Date().toISOString();
  const written = valid.flatMap((entry) => (entry ? [upsert(shop, entry, now)] : []));
  return { metafields: written.map(metafieldNode), userErrors: [] };
}

function upsert(shop: SimShop, entry: { ownerId: string; namespace: string; key: string; type: string; value: string }, now: string): SimMetafield {
  const list = shop.metafields.get(entry.ownerId) ?? [];
  shop.metafields.set(entry.ownerId, list);
  const existing = list.find((m) => m.namespace === entry.namespace && m.key === entry.key);
  if (existing) return Object.assign(existing, { type: entry.type, value: entry.value, updatedAt: now });
  const created = { id: `gid://shopify/Metafield/${nextShopifyId()}`, namespace: entry.namespace, key: entry.key, type: entry.type, value: entry.value, createdAt: now, updatedAt: now };
  list.push(created);
  return created;
}

/** An owner's metafield by namespace (`$app:` or resolved) and key, as `order { metafield(namespace, key) }` answers. */
export function metafieldOf(shop: SimShop, ownerId: string, namespace: unknown, key: unknown): SimMetafield | null {
  const resolved = resolveNamespace(namespace);
  return shop.metafields.get(ownerId)?.find((m) => m.namespace === resolved && m.key === key) ?? null;
}
