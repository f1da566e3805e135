// Shared by the public JSON endpoints of invitations and password reset: a bounded body, the client's address,
// and a floor on the answer time so that whether an email has an account is not told by timing.

export const MAX_FORM_BODY_BYTES = 4_096;

export async function readJsonBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BODY_BYTES) return { ok: false, response: Response.json({ message: "The request is too large." }, { status: 413 }) };
  const text = await request.text();
  if (text.length > MAX_FORM_BODY_BYTES) return { ok: false, response: Response.json({ message: "The request is too large." }, { status: 413 }) };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: Response.json({ message: "Send the form as JSON." }, { status: 400 }) };
  }
}

/**
 * The client's address as the proxy in front of the app reports it (the first X-Forwarded-For hop), else null.
 * It only feeds a rate limit; a forged header can dodge the per-address count but never the per-email one.
 */
export function clientAddressOf(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || request.headers.get("x-real-ip")?.trim();
  return address && address.length <= 64 ? address : null;
}

export async function answerNoSoonerThan(startedAt: number, floorMs: number): Promise<void> {
  const wait = startedAt + floorMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

export const noStore = { "Cache-Control": "no-store" };
