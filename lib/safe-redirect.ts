// Where a browser goes after signing in. The destination comes from the address bar (`callbackUrl`), so anyone can
// craft it; only a path on this app is followed, everything else goes to the dashboard's home. This module has no
// server imports: the login form in the browser and next-auth's redirect callback on the server share it.

const HOME = "/";
const MAX_LENGTH = 2_048;
/** Enough to see through a doubly or triply encoded destination; anything still changing after that is refused. */
const MAX_DECODE_ROUNDS = 4;
const PLACEHOLDER_ORIGIN = "http://safe-redirect.invalid";

/** Printable ASCII without the space: browsers silently drop tabs and newlines and trim spaces and controls. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** Control characters (which a browser may strip, joining what they separated) and backslashes (read as "/"). */
const UNSAFE_DECODED = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * The destination as a path on this app ("/orders?winery=x"), or "/" when it is anything else: another host
 * (`//host`, `/\host`, and their percent-encoded forms), a scheme (`https:`, `javascript:`, `data:`), or a string
 * with whitespace or control characters. An absolute URL is accepted only when it starts with `appBase`, the app's
 * own address, and is then reduced to its path.
 */
export function safeRedirectPath(destination: unknown, appBase?: string): string {
  if (typeof destination !== "string" || destination.length > MAX_LENGTH || !PRINTABLE_ASCII.test(destination)) return HOME;
  const path = appBase ? withoutOwnBase(destination, appBase) : destination;
  if (!isLocalPathAtEveryDecoding(path)) return HOME;
  const url = new URL(path, PLACEHOLDER_ORIGIN);
  return url.origin === PLACEHOLDER_ORIGIN ? url.pathname + url.search + url.hash : HOME;
}

function withoutOwnBase(destination: string, appBase: string): string {
  const base = appBase.replace(/\/+$/, "");
  if (destination === base) return HOME;
  return destination.startsWith(`${base}/`) ? destination.slice(base.length) : destination;
}

/** A path that stays a path on this host however many times something along the way percent-decodes it. */
function isLocalPathAtEveryDecoding(path: string): boolean {
  let current = path;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (!isLocalPath(current)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) return true;
    current = decoded;
  }
  return false;
}

const isLocalPath = (path: string) => path.startsWith("/") && path[1] !== "/" && !UNSAFE_DECODED.test(path);
