// POST /sales-order and the sales-order queries, with the least forgiving plausible validation: exact customer
// and stock codes, known price list and storage area, whole positive quantities, enough stock unless
// ignoreStockError. Totals are computed in integer cents with a simple 10% GST.
import { centsToNumber, microsToCents, roundDiv, toMicros } from "./money";
import { json, v6Error, type SimResponse } from "./respond";
import type { CustomerState, SimParty, SimPriceList, SimSalesOrder, SimStockItem, SimStorageArea } from "./state";

const TIME_ZONE = "Australia/Sydney";
const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
const textFormat = new Intl.DateTimeFormat("en-AU", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** YYYY-MM-DD in the tenant's time zone. */
export const dayOf = (epochMs: number) => dayFormat.format(new Date(epochMs));

type Body = Record<string, unknown>;
type Refusal = { refusal: string };

const isRecord = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : null);
const refuse = (state: CustomerState, message: string): SimResponse =>
  state.options.softErrors ? json(200, { status: "Error", message }) : v6Error(400, message);

interface ResolvedLine {
  item: SimStockItem;
  areaId: number | null;
  quantity: number;
  unitPriceMicros: bigint;
  adjustmentMicros: bigint;
  discountPctMicros: bigint | null;
  source: Body;
}

export function upsertSalesOrder(state: CustomerState, raw: unknown): SimResponse {
  if (!isRecord(raw)) return refuse(state, "The request body must be a sales order object");
  let existing: SimSalesOrder | undefined;
  if (raw.id !== undefined && raw.id !== null) {
    existing = typeof raw.id === "number" ? state.ordersById.get(raw.id) : undefined;
    if (!existing) return v6Error(404, `Sales order ${String(raw.id)} not found`);
  }
  // An update starts from the stored order: fields not sent keep their values.
  const body: Body = existing ? { ...existing.json, ...raw } : raw;

  const customer = resolveCustomer(state, body);
  if ("refusal" in customer) return refuse(state, customer.refusal);
  const priceList = resolvePriceList(state, body);
  if (priceList !== null && "refusal" in priceList) return refuse(state, priceList.refusal);
  const area = resolveStorageArea(state, body);
  if (area !== null && "refusal" in area) return refuse(state, area.refusal);

  const lines = resolveLines(state, body, priceList, area);
  if ("refusal" in lines) return refuse(state, lines.refusal);

  const externalTransactionId = text(body.externalTransactionId);
  if (externalTransactionId && state.options.rejectDuplicateExternalTransactionId) {
    const others = (state.ordersByExternalId.get(externalTransactionId) ?? []).filter((o) => o.id !== existing?.id);
    if (others.length > 0) return refuse(state, `Sales order with external transaction id ${externalTransactionId} already exists`);
  }
  if (body.orderDate !== undefined && body.orderDate !== null && typeof body.orderDate !== "number") {
    return refuse(state, "orderDate must be a number of milliseconds since epoch");
  }

  if (existing) release(state, existing);
  const shortfall = body.ignoreStockError === true ? null : findShortfall(lines);
  if (shortfall) {
    if (existing) commit(state, existing.commitments);
    return refuse(state, shortfall);
  }
  const order = store(state, existing, body, customer, priceList, area, lines);
  return json(200, { status: "Success", message: null, salesOrder: order.json });
}

// The refusals' wording. vintrace documents none of it; each is what a v6 server plausibly says, in the style of
// the few texts seen from real servers ("<Thing> '<name>' not found", the thing named as in the v6 schema, the
// value quoted as sent), so the app's diagnosis is exercised against wording it must not depend on:
//   - "Customer 'X' not found" / "Customer with id N not found": the v6 body names the party `customer`;
//   - "Sales price list 'X' not found": the field is `salesPriceListName`, and a price list cannot be looked up
//     through the API, so this text is the app's only clue (it checks for the words "price list");
//   - "Storage area N not found": the field is `storageAreaId`;
//   - "Stock item 'X' not found": lines name a stock item by `itemName`, its code;
//   - "Insufficient stock for 'X' in storage area N: requested Q, available A": the stock screen's own terms; note
//     it is also what an existing storage area holding none of the item says, so the words alone do not tell a
//     wrong storage area from a shortfall (the app's lookups do).
// Tests trigger each by the settings they send (an unknown customer, price list or storage area, an unknown code,
// more than is in stock); words the app does not recognise come from a queued fault with a 400 body of their own.
function resolveCustomer(state: CustomerState, body: Body): SimParty | Refusal {
  if (typeof body.customerId === "number") {
    return state.parties.get(body.customerId) ?? { refusal: `Customer with id ${body.customerId} not found` };
  }
  const name = text(body.customerName);
  if (!name) return { refusal: "Customer is required (customerId or customerName)" };
  for (const party of state.parties.values()) {
    const same = state.options.customerNameCaseSensitive ? party.primeName === name : party.primeName.toLowerCase() === name.toLowerCase();
    if (same) return party;
  }
  return { refusal: `Customer '${name}' not found` };
}

function resolvePriceList(state: CustomerState, body: Body): SimPriceList | Refusal | null {
  if (typeof body.salesPriceListId === "number") {
    return state.priceLists.get(body.salesPriceListId) ?? { refusal: `Sales price list ${body.salesPriceListId} not found` };
  }
  const name = text(body.salesPriceListName);
  if (!name) return null;
  for (const list of state.priceLists.values()) if (list.name === name) return list;
  return { refusal: `Sales price list '${name}' not found` };
}

function resolveStorageArea(state: CustomerState, body: Body): SimStorageArea | Refusal | null {
  if (typeof body.storageAreaId === "number") {
    return state.storageAreas.get(body.storageAreaId) ?? { refusal: `Storage area ${body.storageAreaId} not found` };
  }
  const code = text(body.storageAreaCode);
  if (!code) return null;
  for (const area of state.storageAreas.values()) if (area.name === code) return area;
  return { refusal: `Storage area '${code}' not found` };
}

function resolveLines(state: CustomerState, body: Body, priceList: SimPriceList | null, area: SimStorageArea | null): ResolvedLine[] | Refusal {
  const items = body.salesOrderItems;
  if (!Array.isArray(items) || items.length === 0) return { refusal: "A sales order needs at least one item" };
  const lines: ResolvedLine[] = [];
  for (const [index, source] of items.entries()) {
    const where = `Item ${index + 1}`;
    if (!isRecord(source)) return { refusal: `${where} is not an object` };
    const item =
      typeof source.itemId === "number"
        ? state.stockItems.get(source.itemId)
        : text(source.itemName) !== null
          ? state.stockByCode.get(text(source.itemName) as string)
          : undefined;
    if (!item) return { refusal: `Stock item '${String(source.itemName ?? source.itemId ?? "")}' not found` };
    if (typeof source.quantity !== "number" || !Number.isInteger(source.quantity) || source.quantity <= 0) {
      return { refusal: `${where} ('${item.code}'): quantity must be a whole number greater than 0, got ${JSON.stringify(source.quantity)}` };
    }
    let unitPriceMicros: bigint | null;
    if (source.unitPrice === undefined || source.unitPrice === null) {
      const listed = priceList?.prices[item.code];
      if (listed === undefined) return { refusal: `${where} ('${item.code}'): no unitPrice given and no price in the sales price list` };
      unitPriceMicros = toMicros(listed);
    } else {
      unitPriceMicros = typeof source.unitPrice === "number" ? toMicros(source.unitPrice) : null;
      if (unitPriceMicros === null || unitPriceMicros < 0n) {
        return { refusal: `${where} ('${item.code}'): unitPrice must be a number of at least 0, got ${JSON.stringify(source.unitPrice)}` };
      }
    }
    const adjustment = decimalField(source.adjustment);
    const discountPct = decimalField(source.discountPct);
    if (adjustment === undefined) return { refusal: `${where} ('${item.code}'): adjustment is not a number` };
    if (discountPct === undefined || (discountPct !== null && (discountPct < 0n || discountPct > 100_000_000n))) {
      return { refusal: `${where} ('${item.code}'): discountPct must be between 0 and 100` };
    }
    const areaId = area?.id ?? item.distributions.find((d) => d.qty - d.committed > 0)?.areaId ?? item.distributions[0]?.areaId ?? null;
    lines.push({ item, areaId, quantity: source.quantity, unitPriceMicros: unitPriceMicros ?? 0n, adjustmentMicros: adjustment ?? 0n, discountPctMicros: discountPct, source });
  }
  return lines;
}

/** The spec types adjustment and discountPct as nullable strings; examples send numbers. Both are read. */
function decimalField(value: unknown): bigint | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) return undefined;
  return toMicros(number) ?? undefined;
}

function findShortfall(lines: ResolvedLine[]): string | null {
  const needed = new Map<string, { line: ResolvedLine; quantity: number }>();
  for (const line of lines) {
    const key = `${line.item.id}:${line.areaId}`;
    const entry = needed.get(key) ?? { line, quantity: 0 };
    entry.quantity += line.quantity;
    needed.set(key, entry);
  }
  for (const { line, quantity } of needed.values()) {
    const distribution = line.item.distributions.find((d) => d.areaId === line.areaId);
    const available = distribution ? distribution.qty - distribution.committed : 0;
    if (quantity > available) {
      return `Insufficient stock for '${line.item.code}' in storage area ${line.areaId ?? "(none)"}: requested ${quantity}, available ${available}`;
    }
  }
  return null;
}

function commit(state: CustomerState, commitments: SimSalesOrder["commitments"]): void {
  for (const c of commitments) {
    const distribution = state.stockItems.get(c.itemId)?.distributions.find((d) => d.areaId === c.areaId);
    if (distribution) distribution.committed += c.quantity;
  }
}

function release(state: CustomerState, order: SimSalesOrder): void {
  commit(state, order.commitments.map((c) => ({ ...c, quantity: -c.quantity })));
}

function store(
  state: CustomerState,
  existing: SimSalesOrder | undefined,
  body: Body,
  customer: SimParty,
  priceList: SimPriceList | null,
  area: SimStorageArea | null,
  lines: ResolvedLine[],
): SimSalesOrder {
  const id = existing?.id ?? state.nextOrderId++;
  const code = existing?.code ?? `VSO${id}`;
  const inclusive = (priceList?.taxPolicy ?? "Tax Inclusive") === "Tax Inclusive";
  let lineTotalCents = 0n;
  let taxCents = 0n;
  const items = lines.map((line) => {
    const grossCents = microsToCents(BigInt(line.quantity) * line.unitPriceMicros);
    const discountCents =
      line.discountPctMicros !== null ? roundDiv(grossCents * line.discountPctMicros, 100_000_000n) : microsToCents(line.adjustmentMicros);
    const lineTotal = grossCents - discountCents;
    const tax = inclusive ? roundDiv(lineTotal, 11n) : roundDiv(lineTotal, 10n);
    lineTotalCents += lineTotal;
    taxCents += tax;
    return {
      id: state.nextLineId++,
      itemId: line.item.id,
      itemName: line.item.code,
      sku: line.item.sku,
      externalReference: text(line.source.externalReference),
      unitPrice: centsToNumber(microsToCents(line.unitPriceMicros)),
      quantity: line.quantity,
      unitOfMeasure: line.item.unit.abbreviation,
      discountPct: line.discountPctMicros !== null ? Number(line.source.discountPct) : null,
      adjustment: line.discountPctMicros === null && line.adjustmentMicros !== 0n ? Number(line.source.adjustment) : null,
      taxAmount: centsToNumber(tax),
      lineTotal: centsToNumber(lineTotal),
      accountId: null,
      accountCode: text(line.source.accountCode),
      taxRateId: null,
      taxRateName: "GST",
    };
  });
  const subTotalCents = inclusive ? lineTotalCents - taxCents : lineTotalCents;
  const totalCents = inclusive ? lineTotalCents : lineTotalCents + taxCents;
  const orderDate = typeof body.orderDate === "number" ? body.orderDate : Date.now();
  const invoiceDate = typeof body.invoiceDate === "number" ? body.invoiceDate : null;
  const sendTo = isRecord(body.sendTo) ? partyShape(body.sendTo) : null;
  const firstArea = area ?? (lines[0]?.areaId !== null ? (state.storageAreas.get(lines[0].areaId as number) ?? null) : null);
  const json = {
    id,
    code,
    customerId: customer.id,
    customerName: customer.primeName,
    salesPriceListId: priceList?.id ?? null,
    salesPriceListName: priceList?.name ?? null,
    priceDetails: priceList ? { countryCurrencyCode: priceList.countryCurrencyCode, taxPolicy: priceList.taxPolicy } : null,
    salesType: text(body.salesType),
    salesOrderStatus: text(body.salesOrderStatus) ?? "New",
    fulfillment: text(body.fulfillment) ?? "Not approved to send",
    orderDate,
    orderDateAsText: textFormat.format(new Date(orderDate)),
    invoiceDate,
    invoiceDateAsText: invoiceDate === null ? null : textFormat.format(new Date(invoiceDate)),
    reference: text(body.reference),
    description: text(body.description),
    notes: text(body.notes),
    externalTransactionId: text(body.externalTransactionId),
    storageAreaId: firstArea?.id ?? null,
    storageAreaCode: firstArea?.name ?? null,
    customerPickup: body.customerPickup === true,
    disableAccountsSync: body.disableAccountsSync === true,
    ignoreStockError: body.ignoreStockError === true,
    posSaleReference: body.posSaleReference ?? null,
    acctReference: null,
    unlinkedItemsPresent: false,
    sendTo,
    salesOrderItems: items,
    subTotal: centsToNumber(subTotalCents),
    taxBreakdown: [{ name: "GST", amount: centsToNumber(taxCents), ratePct: 10, inclusive }],
    total: centsToNumber(totalCents),
  };
  const order: SimSalesOrder = {
    id,
    code,
    externalTransactionId: json.externalTransactionId,
    customerName: customer.primeName,
    status: json.salesOrderStatus,
    orderDay: dayOf(orderDate),
    invoiceDay: invoiceDate === null ? null : dayOf(invoiceDate),
    json,
    commitments: lines.filter((l) => l.areaId !== null).map((l) => ({ itemId: l.item.id, areaId: l.areaId as number, quantity: l.quantity })),
  };
  commit(state, order.commitments);
  if (existing) {
    unindexExternalId(state, existing);
    state.orders[state.orders.indexOf(existing)] = order;
  } else {
    state.orders.push(order);
  }
  state.ordersById.set(id, order);
  state.ordersByCode.set(code, order);
  if (order.externalTransactionId) {
    const same = state.ordersByExternalId.get(order.externalTransactionId) ?? [];
    same.push(order);
    same.sort((a, b) => a.id - b.id);
    state.ordersByExternalId.set(order.externalTransactionId, same);
  }
  return order;
}

function unindexExternalId(state: CustomerState, order: SimSalesOrder): void {
  if (!order.externalTransactionId) return;
  const rest = (state.ordersByExternalId.get(order.externalTransactionId) ?? []).filter((o) => o.id !== order.id);
  if (rest.length > 0) state.ordersByExternalId.set(order.externalTransactionId, rest);
  else state.ordersByExternalId.delete(order.externalTransactionId);
}

/** The ship-to as a Party, readable as both `name` and `primeName`. */
function partyShape(sendTo: Body): Body {
  const name = text(sendTo.primeName) ?? text(sendTo.name);
  return { id: null, ...sendTo, name, primeName: name };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (value: string) => DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export function listSalesOrders(state: CustomerState, query: URLSearchParams): SimResponse {
  const paging = readPaging(query, 100, state.options.maxPageSize);
  if ("refusal" in paging) return v6Error(400, paging.refusal);
  const dates: Record<string, string | null> = {};
  for (const name of ["startDate", "endDate", "invStartDate", "invEndDate"]) {
    const value = query.get(name);
    if (value !== null && value !== "" && !validDay(value)) return v6Error(400, `Invalid ${name} '${value}': expected YYYY-MM-DD`);
    dates[name] = value || null;
  }
  const externalTransactionId = query.get("externalTransactionId") || null;
  const startsWith = query.get("startsWith") || null;
  const status = query.get("status") || null;
  const customerName = query.get("customerName") || null;
  const useExternalFilter = externalTransactionId !== null && state.options.honourExternalTransactionIdFilter;
  const candidates = useExternalFilter ? (state.ordersByExternalId.get(externalTransactionId) ?? []) : state.orders;
  const sameCustomer = (name: string) =>
    state.options.customerNameCaseSensitive ? name === customerName : name.toLowerCase() === customerName?.toLowerCase();
  const matching = candidates.filter(
    (o) =>
      (startsWith === null || o.code.startsWith(startsWith)) &&
      (status === null || o.status === status) &&
      (customerName === null || sameCustomer(o.customerName)) &&
      (dates.startDate === null || (o.orderDay !== null && o.orderDay >= dates.startDate)) &&
      (dates.endDate === null || (o.orderDay !== null && o.orderDay <= dates.endDate)) &&
      (dates.invStartDate === null || (o.invoiceDay !== null && o.invoiceDay >= dates.invStartDate)) &&
      (dates.invEndDate === null || (o.invoiceDay !== null && o.invoiceDay <= dates.invEndDate)),
  );
  const page = matching.slice(paging.first, paging.first + paging.max).map((o) => o.json);
  const count = state.options.listCountField === "none" ? {} : { [state.options.listCountField]: matching.length };
  return json(200, { status: "Success", message: null, ...count, salesOrders: page });
}

/** first/max paging; max is capped at the endpoint's largest page, as vintrace does. */
export function readPaging(query: URLSearchParams, defaultMax: number, cap: number): { first: number; max: number } | Refusal {
  const first = query.get("first") ?? "0";
  const max = query.get("max") ?? String(defaultMax);
  if (!/^\d+$/.test(first)) return { refusal: `Invalid first '${first}': expected a whole number` };
  if (!/^\d+$/.test(max) || Number(max) < 1) return { refusal: `Invalid max '${max}': expected a whole number of at least 1` };
  return { first: Number(first), max: Math.min(Number(max), cap) };
}

export function getSalesOrder(state: CustomerState, order: SimSalesOrder | undefined): SimResponse {
  return order ? json(200, order.json) : v6Error(404, "Sales order not found");
}
