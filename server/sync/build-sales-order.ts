// Turns a Shopify order into the vintrace sales order we POST, using one winery's settings. Pure: no I/O, no
// clock. Every problem is phrased for a winery, and all of them are reported at once so one fix round suffices.
import "server-only";
import { addRatios, minorDigits, parseMoney, parseRatio, scaledToJsonNumber, writtenAsZero, type Ratio } from "@/server/money";
import type { SalesOrderBody, SalesOrderItemBody, SendToParty } from "@/server/vintrace/sales-order-body";
import { priceLine } from "./line-pricing";
import { NO_PRODUCT_LINES_PREFIX } from "../../lib/no-product-lines";
import { shopifyOrderId, type ShopifyLineItem, type ShopifyOrder, type ShopifyShippingLine, type ShopifyTaxLine } from "@/server/shopify/order";

export interface SkuMapping {
  /** the vintrace stock item code */
  code: string;
  /** vintrace units per Shopify unit, e.g. 6 for a 6-pack sold against an x1 stock item */
  multiplier: number;
}

export interface SalesOrderSettings {
  customerName: string;
  salesPriceList: string;
  storageAreaId: number | null;
  /** send vintrace's ignoreStockError, so it takes the order even when it shows too little stock */
  ignoreStockError?: boolean;
  taxPolicy: "INCLUSIVE" | "EXCLUSIVE";
  discountMode: "ADJUSTMENT" | "PERCENT";
  /** the winery's currency, e.g. "AUD"; orders in any other currency are refused */
  currency: string;
  shippingPolicy: "OMIT" | "STOCK_CODE";
  shippingStockCode: string | null;
  skuMap: Record<string, SkuMapping>;
  ignore: { linesWithoutSku: boolean; giftCards: boolean; skus: string[] };
}

export interface IgnoredLine {
  line: string;
  sku: string | null;
  reason: string;
}

/** What each sent line came from, so a rejection can name the Shopify product (see diagnoseRejection). */
export interface SentLine {
  externalReference: string;
  itemName: string;
  shopifyName: string;
  sku: string | null;
}

export type BuildSalesOrderResult =
  | { ok: true; body: SalesOrderBody; lines: SentLine[]; ignoredLines: IgnoredLine[]; warnings: string[] }
  /** noProductLines: every product line was left out, so nothing but shipping could have been sent */
  | { ok: false; problems: string[]; noProductLines: boolean };

export function buildSalesOrder(order: ShopifyOrder, settings: SalesOrderSettings, shopDomain: string): BuildSalesOrderResult {
  if (order.currency.toUpperCase() !== settings.currency.toUpperCase()) {
    return {
      ok: false,
      noProductLines: false,
      problems: [
        `This order is in ${order.currency}, but your vintrace prices are in ${settings.currency}. ` +
          `Orders in other currencies are not sent; enter this one in vintrace by hand.`,
      ],
    };
  }
  const context: LineContext = { order, settings, digits: minorDigits(settings.currency) };
  const problems: string[] = [];
  const warnings: string[] = [];
  const ignoredLines: IgnoredLine[] = [];
  const items: SalesOrderItemBody[] = [];
  const lines: SentLine[] = [];

  for (const lineItem of order.line_items) {
    const outcome = mapLineItem(lineItem, context);
    if (outcome.kind === "problem") problems.push(outcome.problem);
    else if (outcome.kind === "ignored") ignoredLines.push(outcome.ignored);
    else if (outcome.kind === "sent") {
      items.push(outcome.item);
      lines.push(outcome.sent);
      if (outcome.warning) warnings.push(outcome.warning);
    }
  }
  // A sales order of shipping alone is never what the winery wants, so shipping is only looked at once a product
  // line is going.
  if (problems.length === 0 && items.length === 0) return { ok: false, noProductLines: true, problems: [noProductLinesProblem(ignoredLines)] };
  if (settings.shippingPolicy === "STOCK_CODE") {
    for (const shippingLine of order.shipping_lines) {
      const outcome = mapShippingLine(shippingLine, context);
      if (outcome.kind === "problem") problems.push(outcome.problem);
      else if (outcome.kind === "sent") {
        items.push(outcome.item);
        lines.push(outcome.sent);
        if (outcome.warning) warnings.push(outcome.warning);
      }
    }
  }
  if (problems.length > 0) return { ok: false, noProductLines: false, problems: [...new Set(problems)] };

  const body: SalesOrderBody = {
    customerName: settings.customerName,
    salesPriceListName: settings.salesPriceList,
    ...(settings.storageAreaId !== null ? { storageAreaId: settings.storageAreaId } : {}),
    salesOrderStatus: "New",
    orderDate: Date.parse(order.created_at),
    reference: order.name,
    externalTransactionId: externalTransactionIdFor(shopDomain, order),
    ignoreStockError: settings.ignoreStockError === true,
    ...sendToFor(order),
    salesOrderItems: items,
  };
  return { ok: true, body, lines, ignoredLines, warnings };
}

const IGNORED_LINES_NAMED = 10;

function noProductLinesProblem(ignored: IgnoredLine[]): string {
  if (ignored.length === 0) return `${NO_PRODUCT_LINES_PREFIX} this order has no product lines, so it is not sent to vintrace, not even its shipping.`;
  const named = ignored.slice(0, IGNORED_LINES_NAMED).map((l) => `'${l.line}' (${l.reason})`);
  const more = ignored.length > IGNORED_LINES_NAMED ? ` and ${ignored.length - IGNORED_LINES_NAMED} more` : "";
  return `${NO_PRODUCT_LINES_PREFIX} your product rules leave out every product line of this order (${named.join(", ")}${more}), so it is not sent to vintrace, not even its shipping.`;
}

/** The key that makes a POST idempotent: vintrace's list endpoint filters on it. */
export function externalTransactionIdFor(shopDomain: string, order: ShopifyOrder): string {
  return `shopify:${shopDomain}:${shopifyOrderId(order)}`;
}

interface LineContext {
  order: ShopifyOrder;
  settings: SalesOrderSettings;
  digits: number;
}

type LineOutcome =
  | { kind: "problem"; problem: string }
  | { kind: "ignored"; ignored: IgnoredLine }
  | { kind: "skipped" }
  | { kind: "sent"; item: SalesOrderItemBody; sent: SentLine; warning: string | null };

function lineLabel(line: ShopifyLineItem): string {
  return line.name ?? line.title ?? `line ${line.id}`;
}

function mapLineItem(line: ShopifyLineItem, { order, settings, digits }: LineContext): LineOutcome {
  const label = lineLabel(line);
  const sku = line.sku?.trim() || null;
  const ignored = (reason: string): LineOutcome => ({ kind: "ignored", ignored: { line: label, sku, reason } });
  if (line.gift_card && settings.ignore.giftCards) return ignored("gift card");
  if (!sku) {
    if (settings.ignore.linesWithoutSku) return ignored("no SKU");
    return {
      kind: "problem",
      problem: `Line '${label}' has no SKU; vintrace needs its stock item code. Add the SKU in Shopify, or ignore lines without a SKU on the Products page.`,
    };
  }
  if (settings.ignore.skus.includes(sku)) return ignored(`SKU '${sku}' is on your ignore list`);
  if (line.quantity <= 0) return ignored("quantity 0");

  const mapping = settings.skuMap[sku];
  const multiplier = mapping?.multiplier ?? 1;
  if (!Number.isSafeInteger(multiplier) || multiplier < 1) {
    return {
      kind: "problem",
      problem: `The product mapping for SKU '${sku}' multiplies by ${multiplier}; it must be a whole number of at least 1. Fix it on the Products page.`,
    };
  }
  const externalReference = line.admin_graphql_api_id ?? `gid://shopify/LineItem/${line.id}`;
  return priceToItem(
    {
      label,
      itemName: mapping?.code.trim() || sku,
      quantity: line.quantity,
      price: line.price,
      allocations: line.discount_allocations.map((a) => a.amount),
      taxLines: line.tax_lines,
      multiplier,
      externalReference,
      sku,
    },
    { order, settings, digits },
  );
}

function mapShippingLine(line: ShopifyShippingLine, context: LineContext): LineOutcome {
  const label = `Shipping '${line.title ?? line.code ?? "shipping"}'`;
  const code = context.settings.shippingStockCode?.trim();
  if (!code) {
    return {
      kind: "problem",
      problem: "Shipping is set to be sent as a stock item, but no shipping stock code is set. Add it in Settings.",
    };
  }
  const allocations = line.discount_allocations.map((a) => a.amount);
  const isFree = [line.price, ...allocations].every(writtenAsZero);
  if (isFree) return { kind: "skipped" };
  return priceToItem(
    {
      label,
      itemName: code,
      quantity: 1,
      price: line.price,
      allocations,
      taxLines: line.tax_lines,
      multiplier: 1,
      externalReference: `gid://shopify/ShippingLine/${line.id ?? "0"}`,
      sku: null,
    },
    context,
  );
}

interface PriceableLine {
  label: string;
  itemName: string;
  quantity: number;
  price: string;
  allocations: string[];
  taxLines: ShopifyTaxLine[];
  multiplier: number;
  externalReference: string;
  sku: string | null;
}

function priceToItem(line: PriceableLine, { order, settings, digits }: LineContext): LineOutcome {
  const moneyProblem = (what: string, message: string): LineOutcome => ({
    kind: "problem",
    problem: `Line '${line.label}': its ${what} ${message}.`,
  });
  const price = parseMoney(line.price, settings.currency);
  if (!price.ok) return moneyProblem("price", price.message);
  let discount = 0n;
  for (const amount of line.allocations) {
    const parsed = parseMoney(amount, settings.currency);
    if (!parsed.ok) return moneyProblem("discount", parsed.message);
    discount += parsed.value;
  }
  let tax = 0n;
  let taxRate: Ratio = { num: 0n, den: 1n };
  for (const taxLine of line.taxLines) {
    const parsed = parseMoney(taxLine.price, settings.currency);
    if (!parsed.ok) return moneyProblem("tax", parsed.message);
    tax += parsed.value;
    const rate = taxLine.rate === null ? null : parseRatio(taxLine.rate);
    if (rate) taxRate = addRatios(taxRate, rate);
  }

  const priced = priceLine({
    quantity: line.quantity,
    unitPrice: price.value,
    discount,
    tax,
    taxRate,
    shopifyPricesIncludeTax: order.taxes_included,
    priceListIncludesTax: settings.taxPolicy === "INCLUSIVE",
    multiplier: line.multiplier,
    discountMode: settings.discountMode,
  });
  if (!priced.ok) return { kind: "problem", problem: `Line '${line.label}' cannot be sent: ${priced.reason}.` };

  const { quantity, unitPrice, adjustment, discountPct, rounded, net } = priced.line;
  const item: SalesOrderItemBody = {
    itemName: line.itemName,
    quantity,
    unitPrice: scaledToJsonNumber(unitPrice, digits),
    ...(adjustment > 0n ? { adjustment: scaledToJsonNumber(adjustment, digits) } : {}),
    ...(discountPct ? { discountPct: scaledToJsonNumber(discountPct.value, discountPct.scale) } : {}),
    externalReference: line.externalReference,
  };
  const warning = rounded
    ? `Line '${line.label}': the price per vintrace unit does not come out to a whole cent, so it is sent as ` +
      `${scaledToJsonNumber(unitPrice, digits)} × ${quantity} with the difference taken off as a discount; ` +
      `the line total stays ${scaledToJsonNumber(net, digits)}.`
    : null;
  return {
    kind: "sent",
    item,
    sent: { externalReference: line.externalReference, itemName: line.itemName, shopifyName: line.label, sku: line.sku },
    warning,
  };
}

function sendToFor(order: ShopifyOrder): { sendTo?: SendToParty } {
  const address = order.shipping_address;
  if (!address) return {};
  const joined = [address.first_name, address.last_name].filter(Boolean).join(" ");
  const customerName = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ");
  const name = address.name?.trim() || joined || address.company?.trim() || customerName || order.email;
  if (!name) return {};
  const orNull = (value: string | null) => (value?.trim() ? value.trim() : null);
  return {
    sendTo: {
      name,
      primeName: name,
      phone: orNull(address.phone) ?? orNull(order.customer?.phone ?? null),
      email: orNull(order.email) ?? orNull(order.customer?.email ?? null),
      address: {
        street1: orNull(address.address1),
        street2: orNull(address.address2),
        city: orNull(address.city),
        state: orNull(address.province),
        postalCode: orNull(address.zip),
        country: orNull(address.country),
      },
    },
  };
}
