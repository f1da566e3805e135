// The vintrace address a winery pastes into Settings is where we send its API key, so only vintrace's own hosts
// are accepted (no request forgery through settings). Wineries paste the address they log in with, often with
// /api/v6/... or a trailing slash; it is cut back to https://<region>.vintrace.net/<customer code>. Origins in
// OUTBOUND_ALLOWLIST (the simulators, in the demo and tests) are admitted too.

import "server-only";
export type VintraceUrlResult = { ok: true; url: string; customerCode: string } | { ok: false; message: string };

const VINTRACE_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.vintrace\.net$/;
const CUSTOMER_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const EXAMPLE = "https://oz50.vintrace.net/yourcode";

export function normaliseVintraceUrl(input: string, allowlistOrigins: string[]): VintraceUrlResult {
  const text = input.trim();
  if (!text) return { ok: false, message: `Enter your vintrace address, like ${EXAMPLE}.` };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { ok: false, message: `That is not a web address. Paste the address you log in to vintrace with, like ${EXAMPLE}/.` };
  }
  if (url.username || url.password) {
    return { ok: false, message: "The vintrace address must not contain a user name or password; the API key goes in its own field." };
  }
  const code = url.pathname.split("/").filter(Boolean)[0];

  const allowed = new Set(allowlistOrigins.map(originOf).filter((o): o is string => o !== null));
  if (allowed.has(url.origin)) {
    if (!code) return { ok: false, message: `Add the customer code after the address, like ${url.origin}/yourcode.` };
    return { ok: true, url: `${url.origin}/${code}`, customerCode: code };
  }

  const host = url.hostname.toLowerCase();
  if (!VINTRACE_HOST.test(host)) {
    return { ok: false, message: `Only vintrace addresses are allowed, like ${EXAMPLE} (yours ends in .vintrace.net).` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: `The vintrace address must start with https://, like ${EXAMPLE}.` };
  }
  if (url.port && url.port !== "443") return { ok: false, message: `The vintrace address must not name a port; use ${EXAMPLE}.` };
  if (!code || code.toLowerCase() === "api" || !CUSTOMER_CODE.test(code)) {
    return { ok: false, message: `The address needs your customer code after vintrace.net/, like ${EXAMPLE}.` };
  }
  // http:// is upgraded: the key must only ever travel encrypted, and vintrace serves https.
  return { ok: true, url: `https://${host}/${code}`, customerCode: code };
}

function originOf(text: string): string | null {
  try {
    return new URL(text.trim()).origin;
  } catch {
    return null;
  }
}
