// Turns whatever a merchant pastes (an Excel column, an email, a comma list) into the shop's own order names.
// Shopify names an order `<prefix><number><suffix>`; the prefix and suffix are per shop (AMENDMENT 19), so "#" is
// only the default. Existence is not checked here: the caller looks every accepted name up exactly.

export const MAX_ORDER_NAMES = 500;

export interface OrderNameFormat {
  /** The shop's order-name prefix, as seen in its stored orders. */
  prefix?: string;
  /** The shop's order-name suffix, as seen in its stored orders. */
  suffix?: string;
}

export interface RefusedToken {
  token: string;
  reason: string;
}

export type ParseOrderNamesResult =
  | { ok: true; names: string[]; refused: RefusedToken[] }
  | { ok: false; error: string; given: number; limit: number };

// Invisible characters that spreadsheets and mail clients leave inside copied text. They separate nothing a person
// can see, so they are dropped rather than treated as separators ("#10\u200B01" is #1001).
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
// \s already covers CR/LF, tabs, NBSP (U+00A0), U+2000–U+200A, U+2028/9, U+3000 and U+FEFF.
const SEPARATORS = /[\s,;]+/;
// Quotes, brackets and sentence punctuation around a name in prose: `(#1001)`, `"1001"`, `#1003.`
const WRAPPING = /^["'“”‘’«»(\[{<]+|["'“”‘’«»)\]}>.:!?]+$/g;
const DIGITS = /^\d+$/;
// Shopify order numbers are integers; anything longer than this is a pasted id or a phone number, not an order.
const MAX_DIGITS = 15;

type TokenVerdict = { name: string } | { reason: string };

export function parseOrderNames(text: string, { prefix = "#", suffix = "" }: OrderNameFormat = {}): ParseOrderNamesResult {
  const tokens = text.replace(INVISIBLE, "").split(SEPARATORS).filter((token) => token !== "");
  const names: string[] = [];
  const seenNames = new Set<string>();
  const refused: RefusedToken[] = [];
  const seenRefused = new Set<string>();

  for (const token of tokens) {
    const verdict = readToken(token, prefix, suffix);
    if ("name" in verdict) {
      if (!seenNames.has(verdict.name)) {
        seenNames.add(verdict.name);
        names.push(verdict.name);
      }
    } else if (!seenRefused.has(token)) {
      seenRefused.add(token);
      refused.push({ token, reason: verdict.reason });
    }
  }

  if (names.length > MAX_ORDER_NAMES) {
    return {
      ok: false,
      error: `${names.length} order names were given; at most ${MAX_ORDER_NAMES} can be handled at once. Split the list and try again.`,
      given: names.length,
      limit: MAX_ORDER_NAMES,
    };
  }
  return { ok: true, names, refused };
}

function readToken(token: string, prefix: string, suffix: string): TokenVerdict {
  const verdict = readBareToken(token, prefix, suffix);
  if ("name" in verdict) return verdict;
  const unwrapped = token.replace(WRAPPING, "");
  if (unwrapped !== token && unwrapped !== "") {
    const retried = readBareToken(unwrapped, prefix, suffix);
    if ("name" in retried) return retried;
  }
  return verdict;
}

function readBareToken(token: string, prefix: string, suffix: string): TokenVerdict {
  let rest = token;
  let hadMarker = false;
  // "#" is how people write order numbers whatever the shop's prefix; it is accepted before the prefix too (#HT-1001).
  if (rest.startsWith("#") && prefix !== "#") {
    rest = rest.slice(1);
    hadMarker = true;
  }
  if (prefix !== "" && startsWithIgnoringCase(rest, prefix)) {
    rest = rest.slice(prefix.length);
    hadMarker = true;
  }
  if (suffix !== "" && endsWithIgnoringCase(rest, suffix)) {
    rest = rest.slice(0, rest.length - suffix.length);
    hadMarker = true;
  }

  if (rest === "") {
    return { reason: hadMarker ? `${quote(token)} has no number` : `${quote(token)} is not an order number` };
  }
  if (/^[-−–]\d+$/.test(rest)) {
    return { reason: `${quote(token)} is not an order number: order numbers are positive` };
  }
  if (!DIGITS.test(rest)) {
    return { reason: `${quote(token)} is not an order number` };
  }
  const number = rest.replace(/^0+/, "");
  if (number === "") {
    return { reason: `${quote(token)} is not an order number: order numbers start at 1` };
  }
  if (number.length > MAX_DIGITS) {
    return { reason: `${quote(token)} is too long to be an order number` };
  }
  return { name: `${prefix}${number}${suffix}` };
}

function startsWithIgnoringCase(value: string, start: string): boolean {
  return value.length >= start.length && value.slice(0, start.length).toLowerCase() === start.toLowerCase();
}

function endsWithIgnoringCase(value: string, end: string): boolean {
  return value.length >= end.length && value.slice(value.length - end.length).toLowerCase() === end.toLowerCase();
}

function quote(token: string): string {
  return `'${token.length > 40 ? `${token.slice(0, 40)}…` : token}'`;
}
