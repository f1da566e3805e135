// Shared by the public JSON endpoints of invitations and password reset: a bounded body, the client's address,
// and a floor on the answer time so that whether an email has an account is not told by timing.
import "server-only";
import { readBodyTextUpTo } from "@/server/http/read-bounded-body";
import { BUSY_RETRY_AFTER_SECONDS } from "./busy-answer";
import { clientAddressFrom } from "./client-address";

export const MAX_FORM_BODY_BYTES = 16 * 1024;

/**
 * The body parsed as JSON, or the answer to send instead: 413 as soon as more than MAX_FORM_BODY_BYTES arrive,
 * whatever Content-Length says or whether there is one (the body is read chunk by chunk and dropped at the limit,
 * so an endless body costs no more than that), 400 when it is not JSON.
 */
export async function readJsonBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const text = await readBodyTextUpTo(request, MAX_FORM_BODY_BYTES);
  if (text === null) return { ok: false, response: Response.json({ message: "The request is too large." }, { status: 413 }) };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: Response.json({ message: "Send the form as JSON." }, { status: 400 }) };
  }
}

/** The client's address (see client-address.ts), else null. It only feeds rate limits. */
export function clientAddressOf(request: Request): string | null {
  return clientAddressFrom(request.headers.get("x-forwarded-for"));
}

export async function answerNoSoonerThan(startedAt: number, floorMs: number): Promise<void> {
  const wait = startedAt + floorMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

export const noStore = { "Cache-Control": "no-store" };

/** A form's refusal as JSON with its status; a refusal because the server was busy asks the client to retry soon. */
export function refusalResponse(refusal: { reason: string; message: string }, status: number): Response {
  const headers = new Headers(noStore);
  if (refusal.reason === "busy") headers.set("Retry-After", BUSY_RETRY_AFTER_SECONDS);
  return Response.json({ reason: refusal.reason, message: refusal.message }, { status, headers });
}
