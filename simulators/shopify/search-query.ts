// The slice of Shopify's search syntax the app uses on `orders(query:)`: name, created_at comparisons, tag and
// -tag, test. Name matching is deliberately loose, as Shopify's is: `name:"#1001"` also finds #10010, so the client
// must keep only exact matches.
import type { SimOrder } from "@/simulators/shopify/shop-state";

interface Term {
  negated: boolean;
  field: string;
  comparator: string;
  value: string;
}

const TERM = /(-|NOT\s+)?([a-z_]+):(>=|<=|>|<)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s()]+)/gi;

function unquote(value: string): string {
  if (/^(["']).*\1$/.test(value)) return value.slice(1, -1).replace(/\\(.)/g, "$1");
  return value;
}

export function parseSearchQuery(query: string): Term[] {
  return [...query.matchAll(TERM)].map((m) => ({
    negated: Boolean(m[1]),
    field: m[2].toLowerCase(),
    comparator: m[3] ?? ":",
    value: unquote(m[4]),
  }));
}

const looseName = (name: string) => name.replace(/^#/, "").toLowerCase();

function compareDates(actual: string, comparator: string, value: string): boolean {
  const a = Date.parse(actual);
  const b = Date.parse(value);
  if (Number.isNaN(b)) return true;
  switch (comparator) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return new Date(a).toISOString().slice(0, 10) === new Date(b).toISOString().slice(0, 10);
  }
}

function termMatches(order: SimOrder, term: Term): boolean {
  switch (term.field) {
    case "name":
      return looseName(order.payload.name).startsWith(looseName(term.value));
    case "created_at":
      return compareDates(order.payload.created_at, term.comparator, term.value);
    case "tag":
      return order.tags.some((t) => t.toLowerCase() === term.value.toLowerCase());
    case "test":
      return String(order.payload.test) === term.value.toLowerCase();
    default:
      return true; // Shopify ignores fields it does not know (with a warning); so do we.
  }
}

export function matchesSearch(order: SimOrder, terms: Term[]): boolean {
  return terms.every((term) => termMatches(order, term) !== term.negated);
}
