// Turns whatever a merchant pastes (an Excel column, an email, a comma list) into the shop's own order names.
// Shopify names an order `<prefix><number><suffix>`; the prefix and suffix are per shop, so "#" is
// only the default. Existence is not checked here: the caller looks every accepted name up exactly.

import "server-only";
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

// Pasted text can be large and hostile, so it is read in one pass over its characters with no backtracking pattern:
// the time taken grows with the length of the text and nothing else.

// Invisible characters that spreadsheets and mail clients leave inside copied text. They separate nothing a person
// can see, so they are dropped rather than treated as separators ("#10\u200B01" is #1001).
const INVISIBLE = new Set(["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD"]);
// One character at a time: \s covers CR/LF, tabs, NBSP (U+00A0), U+2000–U+200A, U+2028/9 and U+3000.
const SEPARATOR = /^[\s,;]$/;
// Quotes, brackets and sentence punctuation around a name in prose: `(#1001)`, `"1001"`, `#1003.`
const OPENERS = new Set("\"'“”‘’«»([{<");
const CLOSERS = new Set("\"'“”‘’«»)]}>.:!?");
const MINUS_SIGNS = new Set("-−–");
// Shopify order numbers are integers; anything longer than this is a pasted id or a phone number, not an order.
const MAX_DIGITS = 15;

type TokenVerdict = { name: string } | { reason: string };

export function parseOrderNames(text: string, { prefix = "#", suffix = "" }: OrderNameFormat = {}): ParseOrderNamesResult {
  const tokens = splitTokens(text);
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

function splitTokens(text: string): string[] {
  const tokens: string[] = [];
  let token = "";
  for (const char of text) {
    if (INVISIBLE.has(char)) continue;
    if (SEPARATOR.test(char)) {
      if (token !== "") tokens.push(token);
      token = "";
    } else {
      token += char;
    }
  }
  if (token !== "") tokens.push(token);
  return tokens;
}

function readToken(token: string, prefix: string, suffix: string): TokenVerdict {
  const verdict = readBareToken(token, prefix, suffix);
  if ("name" in verdict) return verdict;
  const unwrapped = unwrap(token);
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
  if (MINUS_SIGNS.has(rest[0]) && isDigits(rest.slice(1))) {
    return { reason: `${quote(token)} is not an order number: order numbers are positive` };
  }
  if (!isDigits(rest)) {
    return { reason: `${quote(token)} is not an order number` };
  }
  const number = withoutLeadingZeros(rest);
  if (number === "") {
    return { reason: `${quote(token)} is not an order number: order numbers start at 1` };
  }
  if (number.length > MAX_DIGITS) {
    return { reason: `${quote(token)} is too long to be an order number` };
  }
  return { name: `${prefix}${number}${suffix}` };
}

/** The token without the quotes, brackets and punctuation around it. */
function unwrap(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && OPENERS.has(token[start])) start++;
  while (end > start && CLOSERS.has(token[end - 1])) end--;
  return token.slice(start, end);
}

function isDigits(value: string): boolean {
  if (value === "") return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

function withoutLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length && digits[start] === "0") start++;
  return digits.slice(start);
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
